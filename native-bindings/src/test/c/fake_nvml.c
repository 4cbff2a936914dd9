/*
 * A fake libnvidia-ml for testing headroom's JNA binding without a GPU.
 *
 * It exports the NVML entry points the binding uses, with the real symbol names, signatures and
 * struct layouts (fake_nvml.h), and a set of fake_* control functions through which a test scripts
 * values and failures: per-function return codes, a lost GPU, per-field NOT_SUPPORTED, a process
 * list that grows between the count call and the fill call, wrapping counters, Xid events.
 *
 * Variants of older drivers are built from this same file with -D flags that leave symbols out:
 *   FAKE_NO_MEMORY_V2       no nvmlDeviceGetMemoryInfo_v2            (before R510)
 *   FAKE_NO_PROCESS_V3      no *RunningProcesses_v3                   (before R510, and 535.98)
 *   FAKE_NO_PROCESS_V2      no *RunningProcesses_v2                   (before R450)
 *   FAKE_NO_TEMPERATURE_V   no nvmlDeviceGetTemperatureV              (before R565)
 *   FAKE_NO_FIELD_VALUES    no nvmlDeviceGetFieldValues
 *   FAKE_NO_EVENTS          no event-set API
 *   FAKE_NO_PCIE_COUNTERS   fields 197/198 answer NOT_SUPPORTED        (before R555)
 *   FAKE_NO_DETAIL_LIST     no nvmlDeviceGetRunningProcessDetailList  (before 535.104)
 *   FAKE_NO_CONF_COMPUTE    no nvmlDeviceGetConfComputeMemSizeInfo    (before R535)
 *   FAKE_R535_EARLY         _v3 process calls write 32-byte entries (535.54 ABI break)
 *   FAKE_NO_PCI_V3          no nvmlDeviceGetPciInfo_v3 (a library the binding must refuse)
 *
 * Everything is deterministic: no real time passes (timestamps come from fake_set_clock_us) and
 * nvmlEventSetWait_v2 never blocks. Not thread-safe beyond what the tests need (one sampler thread
 * plus one event thread touching disjoint state).
 */
#include "fake_nvml.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))
#define MAX_DEVICES 8
#define MAX_PROCESSES 256
#define MAX_LINKS 36
#define MAX_EVENTS 16
#define MAX_FIELD_OVERRIDES 32

/* One id per entry point, so the hot path counts calls and looks up scripted failures by index. */
#define FAKE_FUNCTIONS(X)                        \
  X(nvmlInit_v2)                                 \
  X(nvmlShutdown)                                \
  X(nvmlSystemGetDriverVersion)                  \
  X(nvmlSystemGetNVMLVersion)                    \
  X(nvmlSystemGetCudaDriverVersion_v2)           \
  X(nvmlDeviceGetCount_v2)                       \
  X(nvmlDeviceGetHandleByIndex_v2)               \
  X(nvmlDeviceGetName)                           \
  X(nvmlDeviceGetUUID)                           \
  X(nvmlDeviceGetPciInfo_v3)                     \
  X(nvmlDeviceGetMemoryInfo)                     \
  X(nvmlDeviceGetMemoryInfo_v2)                  \
  X(nvmlDeviceGetBAR1MemoryInfo)                 \
  X(nvmlDeviceGetComputeRunningProcesses_v3)     \
  X(nvmlDeviceGetGraphicsRunningProcesses_v3)    \
  X(nvmlDeviceGetComputeRunningProcesses_v2)     \
  X(nvmlDeviceGetGraphicsRunningProcesses_v2)    \
  X(nvmlDeviceGetComputeRunningProcesses)        \
  X(nvmlDeviceGetGraphicsRunningProcesses)       \
  X(nvmlDeviceGetUtilizationRates)               \
  X(nvmlDeviceGetPcieThroughput)                 \
  X(nvmlDeviceGetPcieReplayCounter)              \
  X(nvmlDeviceGetCurrPcieLinkGeneration)         \
  X(nvmlDeviceGetMaxPcieLinkGeneration)          \
  X(nvmlDeviceGetCurrPcieLinkWidth)              \
  X(nvmlDeviceGetMaxPcieLinkWidth)               \
  X(nvmlDeviceGetFieldValues)                    \
  X(nvmlDeviceGetNvLinkState)                    \
  X(nvmlDeviceGetTemperatureV)                   \
  X(nvmlDeviceGetTemperature)                    \
  X(nvmlDeviceGetPowerUsage)                     \
  X(nvmlDeviceGetTotalEnergyConsumption)         \
  X(nvmlDeviceGetMigMode)                        \
  X(nvmlDeviceGetComputeMode)                    \
  X(nvmlEventSetCreate)                          \
  X(nvmlDeviceGetSupportedEventTypes)            \
  X(nvmlDeviceRegisterEvents)                    \
  X(nvmlEventSetWait_v2)                         \
  X(nvmlEventSetFree)

#define AS_ENUM(name) FN_##name,
#define AS_NAME(name) #name,
enum fake_function { FAKE_FUNCTIONS(AS_ENUM) FN_COUNT };
static const char *const function_names[] = {FAKE_FUNCTIONS(AS_NAME)};

typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
} fake_process;

typedef struct {
  fake_process entries[MAX_PROCESSES];
  int count;
  /* After each of the next grow_times calls that answer INSUFFICIENT_SIZE, grow_by more appear. */
  int grow_by;
  int grow_times;
  unsigned int grow_first_pid;
  unsigned long long grow_memory;
} fake_process_list;

typedef struct {
  unsigned int fieldId;
  int code;
} fake_field_override;

struct fake_device {
  int index;
  int lost;
  char name[96];
  char uuid[96];
  nvmlPciInfo_t pci;
  unsigned long long total, reserved, used, free;
  int v2_used_includes_reserved;
  nvmlBAR1Memory_t bar1;
  fake_process_list processes[2];
  nvmlUtilization_t utilization;
  unsigned int pcie_tx_kbps, pcie_rx_kbps, replay;
  unsigned int curr_gen, max_gen, curr_width, max_width;
  unsigned long long pcie_tx_bytes, pcie_rx_bytes;
  int pcie_counter_value_type;
  int link_count;
  int link_active[MAX_LINKS];
  unsigned long long link_tx_kib[MAX_LINKS], link_rx_kib[MAX_LINKS];
  int temperature;
  unsigned int power_mw;
  unsigned long long energy_mj;
  unsigned int mig_current, mig_pending, compute_mode;
  unsigned long long supported_events;
  fake_field_override field_overrides[MAX_FIELD_OVERRIDES];
  int field_override_count;
};

struct fake_event_set {
  int in_use;
  unsigned long long registered[MAX_DEVICES];
};

typedef struct {
  int device;
  unsigned long long type;
  unsigned long long data;
} fake_event;

static struct fake_device devices[MAX_DEVICES];
static int device_count;
static int configured;
static int init_refcount;
static long long clock_us;
static char driver_version[80];
static char nvml_version[80];
static int cuda_driver_version;
/* Scripted return codes, per function and device; index MAX_DEVICES is "system / any device". */
static int returns[FN_COUNT][MAX_DEVICES + 1];
static long call_counts[FN_COUNT];
static struct fake_event_set event_set;
static fake_event events[MAX_EVENTS];
static int event_count;
static unsigned int last_wait_timeout_ms;
/* When set, each nvmlDeviceGetFieldValues call first advances time and every counter (benches). */
static long long advance_us_per_call;
static unsigned long long advance_bytes_per_call;

static void default_device(struct fake_device *d, int i) {
  memset(d, 0, sizeof(*d));
  d->index = i;
  snprintf(d->name, sizeof d->name, "NVIDIA H100 80GB HBM3");
  snprintf(d->uuid, sizeof d->uuid, "GPU-%08x-fake-4000-8000-00000000000%d", 0x5b1f0000u + i, i);
  d->pci.domain = 0;
  d->pci.bus = 0x17 + i;
  d->pci.device = 0;
  d->pci.pciDeviceId = (0x2330u << 16) | 0x10deu;
  d->pci.pciSubSystemId = (0x16c1u << 16) | 0x10deu;
  snprintf(d->pci.busIdLegacy, sizeof d->pci.busIdLegacy, "%04X:%02X:%02X.0", 0, d->pci.bus, 0);
  snprintf(d->pci.busId, sizeof d->pci.busId, "%08X:%02X:%02X.0", 0, d->pci.bus, 0);
  /* H100 80GB: 81559 MiB framebuffer, ~530 MiB reserved by the driver. */
  d->total = 81559ULL << 20;
  d->reserved = 530ULL << 20;
  d->used = 20000ULL << 20;
  d->free = d->total - d->reserved - d->used;
  d->bar1.bar1Total = 128ULL << 30;
  d->bar1.bar1Used = 50ULL << 20;
  d->bar1.bar1Free = d->bar1.bar1Total - d->bar1.bar1Used;
  d->processes[0].count = 2;
  d->processes[0].entries[0] = (fake_process){4242u + 10 * i, 12000ULL << 20};
  d->processes[0].entries[1] = (fake_process){4243u + 10 * i, 8000ULL << 20};
  d->utilization = (nvmlUtilization_t){87, 41};
  d->pcie_tx_kbps = 1200;
  d->pcie_rx_kbps = 3400;
  d->replay = 0;
  d->curr_gen = 5;
  d->max_gen = 5;
  d->curr_width = 16;
  d->max_width = 16;
  d->pcie_counter_value_type = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
  d->link_count = 4;
  for (int l = 0; l < d->link_count; l++) d->link_active[l] = 1;
  d->temperature = 54;
  d->power_mw = 412000;
  d->energy_mj = 123456789ULL;
  d->compute_mode = 0;
  d->supported_events = 0x8 | 0x1 | 0x2 | 0x4;
}

EXPORT void fake_reset(int count) {
  if (count < 0) count = 0;
  if (count > MAX_DEVICES) count = MAX_DEVICES;
  device_count = count;
  for (int i = 0; i < MAX_DEVICES; i++) default_device(&devices[i], i);
  memset(returns, 0, sizeof returns);
  memset(call_counts, 0, sizeof call_counts);
  memset(&event_set, 0, sizeof event_set);
  event_count = 0;
  clock_us = 1764576000000000LL; /* 2025-12-01T08:00:00Z */
  snprintf(driver_version, sizeof driver_version, "570.124.06");
  snprintf(nvml_version, sizeof nvml_version, "12.570.124.06");
  cuda_driver_version = 12080;
  init_refcount = 0;
  last_wait_timeout_ms = 0;
  advance_us_per_call = 0;
  advance_bytes_per_call = 0;
  configured = 1;
}

static void ensure_configured(void) {
  if (!configured) fake_reset(2);
}

static struct fake_device *dev_at(int i) {
  ensure_configured();
  return (i >= 0 && i < MAX_DEVICES) ? &devices[i] : NULL;
}

static int function_id(const char *name) {
  for (int f = 0; f < FN_COUNT; f++)
    if (strcmp(function_names[f], name) == 0) return f;
  return -1;
}

/* ---- control functions ------------------------------------------------------------------- */

/** Scripts a return code for one function on one device (-1: system calls / every device); 0 clears. */
EXPORT int fake_set_return(const char *function, int device, int code) {
  ensure_configured();
  int f = function_id(function);
  if (f < 0 || device < -1 || device >= MAX_DEVICES) return -1;
  returns[f][device < 0 ? MAX_DEVICES : device] = code;
  return 0;
}

EXPORT long fake_call_count(const char *function) {
  int f = function_id(function);
  return f < 0 ? -1 : call_counts[f];
}

EXPORT int fake_init_refcount(void) { return init_refcount; }
EXPORT unsigned int fake_last_wait_timeout_ms(void) { return last_wait_timeout_ms; }

EXPORT void fake_lose_gpu(int i) { dev_at(i)->lost = 1; }
EXPORT void fake_set_clock_us(long long t) { ensure_configured(); clock_us = t; }
EXPORT void fake_set_versions(const char *driver, const char *nvml, int cuda) {
  ensure_configured();
  snprintf(driver_version, sizeof driver_version, "%s", driver);
  snprintf(nvml_version, sizeof nvml_version, "%s", nvml);
  cuda_driver_version = cuda;
}
EXPORT void fake_set_identity(int i, const char *name, const char *uuid) {
  struct fake_device *d = dev_at(i);
  snprintf(d->name, sizeof d->name, "%s", name);
  snprintf(d->uuid, sizeof d->uuid, "%s", uuid);
}
EXPORT void fake_set_memory(int i, unsigned long long total, unsigned long long reserved,
                            unsigned long long used, unsigned long long free) {
  struct fake_device *d = dev_at(i);
  d->total = total;
  d->reserved = reserved;
  d->used = used;
  d->free = free;
}
/** Some drivers put reserved memory into v2 `used` as well; the binding must notice. */
EXPORT void fake_set_v2_used_includes_reserved(int i, int flag) { dev_at(i)->v2_used_includes_reserved = flag; }
EXPORT void fake_set_bar1(int i, unsigned long long total, unsigned long long used, unsigned long long free) {
  struct fake_device *d = dev_at(i);
  d->bar1 = (nvmlBAR1Memory_t){total, free, used};
}
/** kind 0 = compute, 1 = graphics. */
EXPORT void fake_set_processes(int i, int kind, int count, const unsigned int *pids,
                               const unsigned long long *memory) {
  fake_process_list *list = &dev_at(i)->processes[kind & 1];
  if (count > MAX_PROCESSES) count = MAX_PROCESSES;
  list->count = count;
  for (int p = 0; p < count; p++) list->entries[p] = (fake_process){pids[p], memory[p]};
}
EXPORT void fake_grow_processes_after_count(int i, int kind, int extra, int times, unsigned int first_pid,
                                            unsigned long long memory) {
  fake_process_list *list = &dev_at(i)->processes[kind & 1];
  list->grow_by = extra;
  list->grow_times = times;
  list->grow_first_pid = first_pid;
  list->grow_memory = memory;
}
EXPORT void fake_set_utilization(int i, unsigned int gpu, unsigned int memory) {
  dev_at(i)->utilization = (nvmlUtilization_t){gpu, memory};
}
EXPORT void fake_set_pcie_link(int i, unsigned int curr_gen, unsigned int max_gen, unsigned int curr_width,
                               unsigned int max_width) {
  struct fake_device *d = dev_at(i);
  d->curr_gen = curr_gen;
  d->max_gen = max_gen;
  d->curr_width = curr_width;
  d->max_width = max_width;
}
EXPORT void fake_set_pcie_replay(int i, unsigned int count) { dev_at(i)->replay = count; }
EXPORT void fake_set_pcie_throughput(int i, unsigned int tx_kbps, unsigned int rx_kbps) {
  dev_at(i)->pcie_tx_kbps = tx_kbps;
  dev_at(i)->pcie_rx_kbps = rx_kbps;
}
/** Cumulative PCIe byte counters (fields 197/198) and the value type they are reported as. */
EXPORT void fake_set_pcie_counters(int i, unsigned long long tx, unsigned long long rx, int value_type) {
  struct fake_device *d = dev_at(i);
  d->pcie_tx_bytes = tx;
  d->pcie_rx_bytes = rx;
  d->pcie_counter_value_type = value_type;
}
EXPORT void fake_set_nvlink_count(int i, int links) {
  struct fake_device *d = dev_at(i);
  d->link_count = links < 0 ? 0 : (links > MAX_LINKS ? MAX_LINKS : links);
}
EXPORT void fake_set_nvlink_link(int i, int link, int active, unsigned long long tx_kib,
                                 unsigned long long rx_kib) {
  struct fake_device *d = dev_at(i);
  if (link < 0 || link >= MAX_LINKS) return;
  d->link_active[link] = active;
  d->link_tx_kib[link] = tx_kib;
  d->link_rx_kib[link] = rx_kib;
}
/** Makes counters move like on a busy GPU: every field-values call is `us` later, `bytes` more. */
EXPORT void fake_set_auto_advance(long long us, unsigned long long bytes) {
  ensure_configured();
  advance_us_per_call = us;
  advance_bytes_per_call = bytes;
}
EXPORT void fake_set_temperature(int i, int celsius) { dev_at(i)->temperature = celsius; }
EXPORT void fake_set_power(int i, unsigned int milliwatts) { dev_at(i)->power_mw = milliwatts; }
EXPORT void fake_set_energy(int i, unsigned long long millijoules) { dev_at(i)->energy_mj = millijoules; }
EXPORT void fake_set_modes(int i, unsigned int mig_current, unsigned int mig_pending, unsigned int compute_mode) {
  struct fake_device *d = dev_at(i);
  d->mig_current = mig_current;
  d->mig_pending = mig_pending;
  d->compute_mode = compute_mode;
}
/** Makes one field id answer `code` in its element's nvmlReturn (0 removes the override). */
EXPORT void fake_set_field_return(int i, unsigned int field_id, int code) {
  struct fake_device *d = dev_at(i);
  for (int k = 0; k < d->field_override_count; k++) {
    if (d->field_overrides[k].fieldId == field_id) {
      d->field_overrides[k].code = code;
      return;
    }
  }
  if (d->field_override_count < MAX_FIELD_OVERRIDES)
    d->field_overrides[d->field_override_count++] = (fake_field_override){field_id, code};
}
EXPORT void fake_set_supported_events(int i, unsigned long long mask) { dev_at(i)->supported_events = mask; }
EXPORT int fake_push_event(int i, unsigned long long type, unsigned long long data) {
  ensure_configured();
  if (event_count >= MAX_EVENTS || i < 0 || i >= device_count) return -1;
  events[event_count++] = (fake_event){i, type, data};
  return 0;
}

/* Layout of every struct as this C compiler sees it, for the Java layout test. */
#define LAYOUT_TYPES(X)                 \
  X(nvmlPciInfo_t)                      \
  X(nvmlMemory_t)                       \
  X(nvmlMemory_v2_t)                    \
  X(nvmlBAR1Memory_t)                   \
  X(nvmlProcessInfo_v1_t)               \
  X(nvmlProcessInfo_t)                  \
  X(nvmlProcessDetail_v1_t)             \
  X(nvmlUtilization_t)                  \
  X(nvmlValue_t)                        \
  X(nvmlFieldValue_t)                   \
  X(nvmlEventData_t)                    \
  X(nvmlTemperature_v1_t)

EXPORT int fake_sizeof(const char *type) {
#define SIZE_OF(t) \
  if (strcmp(type, #t) == 0) return (int)sizeof(t);
  LAYOUT_TYPES(SIZE_OF)
#undef SIZE_OF
  return -1;
}

#define OFF(t, f) \
  if (strcmp(type, #t) == 0 && strcmp(field, #f) == 0) return (int)__builtin_offsetof(t, f);
EXPORT int fake_offsetof(const char *type, const char *field) {
  OFF(nvmlPciInfo_t, busIdLegacy) OFF(nvmlPciInfo_t, domain) OFF(nvmlPciInfo_t, bus)
  OFF(nvmlPciInfo_t, device) OFF(nvmlPciInfo_t, pciDeviceId) OFF(nvmlPciInfo_t, pciSubSystemId)
  OFF(nvmlPciInfo_t, busId)
  OFF(nvmlMemory_t, total) OFF(nvmlMemory_t, free) OFF(nvmlMemory_t, used)
  OFF(nvmlMemory_v2_t, version) OFF(nvmlMemory_v2_t, total) OFF(nvmlMemory_v2_t, reserved)
  OFF(nvmlMemory_v2_t, free) OFF(nvmlMemory_v2_t, used)
  OFF(nvmlBAR1Memory_t, bar1Total) OFF(nvmlBAR1Memory_t, bar1Free) OFF(nvmlBAR1Memory_t, bar1Used)
  OFF(nvmlProcessInfo_v1_t, pid) OFF(nvmlProcessInfo_v1_t, usedGpuMemory)
  OFF(nvmlProcessInfo_t, pid) OFF(nvmlProcessInfo_t, usedGpuMemory) OFF(nvmlProcessInfo_t, gpuInstanceId)
  OFF(nvmlProcessInfo_t, computeInstanceId)
  OFF(nvmlProcessDetail_v1_t, pid) OFF(nvmlProcessDetail_v1_t, usedGpuMemory)
  OFF(nvmlProcessDetail_v1_t, gpuInstanceId) OFF(nvmlProcessDetail_v1_t, computeInstanceId)
  OFF(nvmlProcessDetail_v1_t, usedGpuCcProtectedMemory)
  OFF(nvmlUtilization_t, gpu) OFF(nvmlUtilization_t, memory)
  OFF(nvmlValue_t, dVal) OFF(nvmlValue_t, siVal) OFF(nvmlValue_t, uiVal) OFF(nvmlValue_t, ulVal)
  OFF(nvmlValue_t, ullVal) OFF(nvmlValue_t, sllVal) OFF(nvmlValue_t, usVal)
  OFF(nvmlFieldValue_t, fieldId) OFF(nvmlFieldValue_t, scopeId) OFF(nvmlFieldValue_t, timestamp)
  OFF(nvmlFieldValue_t, latencyUsec) OFF(nvmlFieldValue_t, valueType) OFF(nvmlFieldValue_t, nvmlReturn)
  OFF(nvmlFieldValue_t, value)
  OFF(nvmlEventData_t, device) OFF(nvmlEventData_t, eventType) OFF(nvmlEventData_t, eventData)
  OFF(nvmlEventData_t, gpuInstanceId) OFF(nvmlEventData_t, computeInstanceId)
  OFF(nvmlTemperature_v1_t, version) OFF(nvmlTemperature_v1_t, sensorType)
  OFF(nvmlTemperature_v1_t, temperature)
  return -1;
}
#undef OFF

/* ---- common checks ------------------------------------------------------------------------ */

/* Counts the call and answers a scripted code for a system-level function. */
static int enter_system(enum fake_function f, int needs_init) {
  ensure_configured();
  call_counts[f]++;
  if (returns[f][MAX_DEVICES]) return returns[f][MAX_DEVICES];
  if (needs_init && init_refcount == 0) return NVML_ERROR_UNINITIALIZED;
  return NVML_SUCCESS;
}

static int valid_device(nvmlDevice_t d) {
  return d >= &devices[0] && d < &devices[device_count] && ((uintptr_t)d - (uintptr_t)&devices[0]) % sizeof(devices[0]) == 0;
}

/* Counts the call, validates the handle, answers a lost GPU or a scripted code. */
static int enter_device(enum fake_function f, nvmlDevice_t d) {
  ensure_configured();
  call_counts[f]++;
  if (init_refcount == 0) return NVML_ERROR_UNINITIALIZED;
  if (!valid_device(d)) return NVML_ERROR_INVALID_ARGUMENT;
  if (d->lost) return NVML_ERROR_GPU_IS_LOST;
  if (returns[f][d->index]) return returns[f][d->index];
  if (returns[f][MAX_DEVICES]) return returns[f][MAX_DEVICES];
  return NVML_SUCCESS;
}

#define CHECK(expr)                   \
  do {                                \
    int rc_ = (expr);                 \
    if (rc_ != NVML_SUCCESS) return rc_; \
  } while (0)

static int copy_string(char *out, unsigned int length, const char *value) {
  if (out == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  size_t needed = strlen(value) + 1;
  if (length < needed) return NVML_ERROR_INSUFFICIENT_SIZE;
  memcpy(out, value, needed);
  return NVML_SUCCESS;
}

/* ---- the NVML entry points ---------------------------------------------------------------- */

EXPORT nvmlReturn_t nvmlInit_v2(void) {
  CHECK(enter_system(FN_nvmlInit_v2, 0));
  init_refcount++;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlShutdown(void) {
  CHECK(enter_system(FN_nvmlShutdown, 1));
  init_refcount--;
  return NVML_SUCCESS;
}

EXPORT const char *nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_TIMEOUT: return "Timeout";
    case NVML_ERROR_LIBRARY_NOT_FOUND: return "NVML Shared Library Not Found";
    case NVML_ERROR_FUNCTION_NOT_FOUND: return "Function Not Found";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case 18: return "RM has detected an NVML/RM version mismatch.";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument version mismatch";
    default: return "Unknown Error";
  }
}

EXPORT nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
  CHECK(enter_system(FN_nvmlSystemGetDriverVersion, 1));
  return copy_string(version, length, driver_version);
}

EXPORT nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length) {
  CHECK(enter_system(FN_nvmlSystemGetNVMLVersion, 1));
  return copy_string(version, length, nvml_version);
}

EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *version) {
  CHECK(enter_system(FN_nvmlSystemGetCudaDriverVersion_v2, 1));
  if (version == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *version = cuda_driver_version;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
  CHECK(enter_system(FN_nvmlDeviceGetCount_v2, 1));
  if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *count = (unsigned int)device_count;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  CHECK(enter_system(FN_nvmlDeviceGetHandleByIndex_v2, 1));
  if (device == NULL || index >= (unsigned int)device_count) return NVML_ERROR_INVALID_ARGUMENT;
  if (returns[FN_nvmlDeviceGetHandleByIndex_v2][index]) return returns[FN_nvmlDeviceGetHandleByIndex_v2][index];
  *device = &devices[index];
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length) {
  CHECK(enter_device(FN_nvmlDeviceGetName, d));
  return copy_string(name, length, d->name);
}

EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int length) {
  CHECK(enter_device(FN_nvmlDeviceGetUUID, d));
  return copy_string(uuid, length, d->uuid);
}

#ifndef FAKE_NO_PCI_V3
EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *pci) {
  CHECK(enter_device(FN_nvmlDeviceGetPciInfo_v3, d));
  if (pci == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *pci = d->pci;
  return NVML_SUCCESS;
}
#endif

/* v1: `used` includes the reserved memory, so used + free == total. */
EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *memory) {
  CHECK(enter_device(FN_nvmlDeviceGetMemoryInfo, d));
  if (memory == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  memory->total = d->total;
  memory->used = d->used + d->reserved;
  memory->free = d->free;
  return NVML_SUCCESS;
}

#ifndef FAKE_NO_MEMORY_V2
EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *memory) {
  CHECK(enter_device(FN_nvmlDeviceGetMemoryInfo_v2, d));
  if (memory == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  if (memory->version != nvmlMemory_v2) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  memory->total = d->total;
  memory->reserved = d->reserved;
  memory->used = d->v2_used_includes_reserved ? d->used + d->reserved : d->used;
  memory->free = d->free;
  return NVML_SUCCESS;
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetBAR1MemoryInfo(nvmlDevice_t d, nvmlBAR1Memory_t *bar1) {
  CHECK(enter_device(FN_nvmlDeviceGetBAR1MemoryInfo, d));
  if (bar1 == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *bar1 = d->bar1;
  return NVML_SUCCESS;
}

/*
 * The count-then-fill protocol shared by every process-list call. `entry_size` is the stride the
 * driver writes (16, 24 or 32 bytes), which is what the R535 break changed.
 */
static int fill_processes(fake_process_list *list, unsigned int *count, void *infos, size_t entry_size) {
  if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  unsigned int capacity = *count;
  if (capacity < (unsigned int)list->count || infos == NULL) {
    *count = (unsigned int)list->count;
    int rc = list->count == 0 ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_SIZE;
    if (rc == NVML_ERROR_INSUFFICIENT_SIZE && list->grow_times > 0) {
      /* Processes start between this call and the caller's next one. */
      for (int k = 0; k < list->grow_by && list->count < MAX_PROCESSES; k++)
        list->entries[list->count++] = (fake_process){list->grow_first_pid++, list->grow_memory};
      list->grow_times--;
    }
    return rc;
  }
  unsigned char *out = infos;
  for (int p = 0; p < list->count; p++) {
    unsigned char *entry = out + (size_t)p * entry_size;
    memset(entry, 0, entry_size);
    if (entry_size == sizeof(nvmlProcessInfo_v1_t)) {
      nvmlProcessInfo_v1_t *e = (nvmlProcessInfo_v1_t *)entry;
      e->pid = list->entries[p].pid;
      e->usedGpuMemory = list->entries[p].usedGpuMemory;
    } else {
      /* nvmlProcessInfo_t and nvmlProcessDetail_v1_t share their first 24 bytes. */
      nvmlProcessDetail_v1_t *e = (nvmlProcessDetail_v1_t *)entry;
      e->pid = list->entries[p].pid;
      e->usedGpuMemory = list->entries[p].usedGpuMemory;
      e->gpuInstanceId = 0xFFFFFFFFu;
      e->computeInstanceId = 0xFFFFFFFFu;
      if (entry_size == sizeof(nvmlProcessDetail_v1_t)) e->usedGpuCcProtectedMemory = 0;
    }
  }
  *count = (unsigned int)list->count;
  return NVML_SUCCESS;
}

#ifdef FAKE_R535_EARLY
#define V3_ENTRY_SIZE sizeof(nvmlProcessDetail_v1_t)
#else
#define V3_ENTRY_SIZE sizeof(nvmlProcessInfo_t)
#endif

#ifndef FAKE_NO_PROCESS_V3
EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_t *infos) {
  CHECK(enter_device(FN_nvmlDeviceGetComputeRunningProcesses_v3, d));
  return fill_processes(&d->processes[0], count, infos, V3_ENTRY_SIZE);
}
EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_t *infos) {
  CHECK(enter_device(FN_nvmlDeviceGetGraphicsRunningProcesses_v3, d));
  return fill_processes(&d->processes[1], count, infos, V3_ENTRY_SIZE);
}
#endif

#ifndef FAKE_NO_PROCESS_V2
EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_t *infos) {
  CHECK(enter_device(FN_nvmlDeviceGetComputeRunningProcesses_v2, d));
  return fill_processes(&d->processes[0], count, infos, sizeof(nvmlProcessInfo_t));
}
EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v2(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_t *infos) {
  CHECK(enter_device(FN_nvmlDeviceGetGraphicsRunningProcesses_v2, d));
  return fill_processes(&d->processes[1], count, infos, sizeof(nvmlProcessInfo_t));
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v1_t *infos) {
  CHECK(enter_device(FN_nvmlDeviceGetComputeRunningProcesses, d));
  return fill_processes(&d->processes[0], count, infos, sizeof(nvmlProcessInfo_v1_t));
}
EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v1_t *infos) {
  CHECK(enter_device(FN_nvmlDeviceGetGraphicsRunningProcesses, d));
  return fill_processes(&d->processes[1], count, infos, sizeof(nvmlProcessInfo_v1_t));
}

#ifndef FAKE_NO_CONF_COMPUTE
/* Only its presence matters to the binding (the R535 rule); the signature is simplified. */
EXPORT nvmlReturn_t nvmlDeviceGetConfComputeMemSizeInfo(nvmlDevice_t d, void *info) {
  (void)d;
  (void)info;
  return NVML_ERROR_NOT_SUPPORTED;
}
#endif

#if !defined(FAKE_NO_DETAIL_LIST) && !defined(FAKE_R535_EARLY)
EXPORT nvmlReturn_t nvmlDeviceGetRunningProcessDetailList(nvmlDevice_t d, void *list) {
  (void)d;
  (void)list;
  return NVML_ERROR_NOT_SUPPORTED;
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *utilization) {
  CHECK(enter_device(FN_nvmlDeviceGetUtilizationRates, d));
  if (utilization == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *utilization = d->utilization;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t d, int counter, unsigned int *value) {
  CHECK(enter_device(FN_nvmlDeviceGetPcieThroughput, d));
  if (value == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  if (counter == NVML_PCIE_UTIL_TX_BYTES) *value = d->pcie_tx_kbps;
  else if (counter == NVML_PCIE_UTIL_RX_BYTES) *value = d->pcie_rx_kbps;
  else return NVML_ERROR_INVALID_ARGUMENT;
  return NVML_SUCCESS;
}

#define UINT_GETTER(fn, member)                                  \
  EXPORT nvmlReturn_t fn(nvmlDevice_t d, unsigned int *value) { \
    CHECK(enter_device(FN_##fn, d));                             \
    if (value == NULL) return NVML_ERROR_INVALID_ARGUMENT;       \
    *value = d->member;                                          \
    return NVML_SUCCESS;                                         \
  }
UINT_GETTER(nvmlDeviceGetPcieReplayCounter, replay)
UINT_GETTER(nvmlDeviceGetCurrPcieLinkGeneration, curr_gen)
UINT_GETTER(nvmlDeviceGetMaxPcieLinkGeneration, max_gen)
UINT_GETTER(nvmlDeviceGetCurrPcieLinkWidth, curr_width)
UINT_GETTER(nvmlDeviceGetMaxPcieLinkWidth, max_width)
UINT_GETTER(nvmlDeviceGetPowerUsage, power_mw)

__attribute__((unused)) static int field_override(const struct fake_device *d, unsigned int field_id) {
  for (int k = 0; k < d->field_override_count; k++)
    if (d->field_overrides[k].fieldId == field_id) return d->field_overrides[k].code;
  return NVML_SUCCESS;
}

__attribute__((unused)) static void set_ull(nvmlFieldValue_t *v, unsigned long long value) {
  v->valueType = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
  v->value.ullVal = value;
}

__attribute__((unused)) static void fill_field(const struct fake_device *d, nvmlFieldValue_t *v) {
  v->timestamp = clock_us;
  v->latencyUsec = 1;
  int code = field_override(d, v->fieldId);
  if (code != NVML_SUCCESS) {
    v->nvmlReturn = code;
    return;
  }
  v->nvmlReturn = NVML_SUCCESS;
  unsigned int scope = v->scopeId;
  int all_links = scope == 0xFFFFFFFFu;
  switch (v->fieldId) {
    case NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION:
      set_ull(v, d->energy_mj);
      return;
    case NVML_FI_DEV_PCIE_REPLAY_COUNTER:
      v->valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
      v->value.ullVal = 0;
      v->value.uiVal = d->replay;
      return;
    case NVML_FI_DEV_NVLINK_LINK_COUNT:
      v->valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
      v->value.uiVal = (unsigned int)d->link_count;
      return;
    case NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX:
    case NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX:
    case NVML_FI_DEV_NVLINK_THROUGHPUT_RAW_TX:
    case NVML_FI_DEV_NVLINK_THROUGHPUT_RAW_RX: {
      if (d->link_count == 0) {
        v->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
        return;
      }
      if (!all_links && scope >= (unsigned int)d->link_count) {
        v->nvmlReturn = NVML_ERROR_INVALID_ARGUMENT;
        return;
      }
      int tx = v->fieldId == NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX || v->fieldId == NVML_FI_DEV_NVLINK_THROUGHPUT_RAW_TX;
      const unsigned long long *counters = tx ? d->link_tx_kib : d->link_rx_kib;
      unsigned long long sum = 0;
      for (int l = 0; l < d->link_count; l++)
        if (all_links || (unsigned int)l == scope) sum += counters[l];
      set_ull(v, sum);
      return;
    }
    case NVML_FI_DEV_NVLINK_GET_STATE:
      if (scope >= (unsigned int)d->link_count) {
        v->nvmlReturn = d->link_count == 0 ? NVML_ERROR_NOT_SUPPORTED : NVML_ERROR_INVALID_ARGUMENT;
        return;
      }
      v->valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
      v->value.ullVal = 0;
      v->value.uiVal = d->link_active[scope] ? 1u : 0u;
      return;
    case NVML_FI_DEV_PCIE_COUNT_TX_BYTES:
    case NVML_FI_DEV_PCIE_COUNT_RX_BYTES: {
#ifdef FAKE_NO_PCIE_COUNTERS
      v->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
#else
      unsigned long long value = v->fieldId == NVML_FI_DEV_PCIE_COUNT_TX_BYTES ? d->pcie_tx_bytes : d->pcie_rx_bytes;
      v->valueType = d->pcie_counter_value_type;
      if (d->pcie_counter_value_type == NVML_VALUE_TYPE_UNSIGNED_INT) {
        v->value.ullVal = 0;
        v->value.uiVal = (unsigned int)value;
      } else {
        v->value.ullVal = value;
      }
#endif
      return;
    }
    default:
      v->nvmlReturn = v->fieldId >= NVML_FI_MAX ? NVML_ERROR_INVALID_ARGUMENT : NVML_ERROR_NOT_SUPPORTED;
      return;
  }
}

#ifndef FAKE_NO_FIELD_VALUES
EXPORT nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t d, int valuesCount, nvmlFieldValue_t *values) {
  CHECK(enter_device(FN_nvmlDeviceGetFieldValues, d));
  if (values == NULL || valuesCount < 0) return NVML_ERROR_INVALID_ARGUMENT;
  if (advance_us_per_call > 0) {
    /* Traffic varies from call to call, so no two consecutive rates are equal. */
    static unsigned long long step;
    unsigned long long bytes = advance_bytes_per_call + (++step % 13) * 4096;
    clock_us += advance_us_per_call;
    d->pcie_tx_bytes += bytes;
    d->pcie_rx_bytes += bytes / 2;
    for (int l = 0; l < d->link_count; l++) {
      d->link_tx_kib[l] += (bytes >> 10) + (unsigned long long)l;
      d->link_rx_kib[l] += (bytes >> 11) + (unsigned long long)l;
    }
  }
  for (int k = 0; k < valuesCount; k++) fill_field(d, &values[k]);
  return NVML_SUCCESS;
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t d, unsigned int link, int *isActive) {
  CHECK(enter_device(FN_nvmlDeviceGetNvLinkState, d));
  if (isActive == NULL || link >= (unsigned int)d->link_count) return NVML_ERROR_INVALID_ARGUMENT;
  *isActive = d->link_active[link] ? 1 : 0;
  return NVML_SUCCESS;
}

#ifndef FAKE_NO_TEMPERATURE_V
EXPORT nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t d, nvmlTemperature_v1_t *temperature) {
  CHECK(enter_device(FN_nvmlDeviceGetTemperatureV, d));
  if (temperature == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  if (temperature->version != nvmlTemperature_v1) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  if (temperature->sensorType != NVML_TEMPERATURE_GPU) return NVML_ERROR_INVALID_ARGUMENT;
  temperature->temperature = d->temperature;
  return NVML_SUCCESS;
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensorType, unsigned int *temp) {
  CHECK(enter_device(FN_nvmlDeviceGetTemperature, d));
  if (temp == NULL || sensorType != NVML_TEMPERATURE_GPU) return NVML_ERROR_INVALID_ARGUMENT;
  *temp = (unsigned int)d->temperature;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long *energy) {
  CHECK(enter_device(FN_nvmlDeviceGetTotalEnergyConsumption, d));
  if (energy == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *energy = d->energy_mj;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t d, unsigned int *currentMode, unsigned int *pendingMode) {
  CHECK(enter_device(FN_nvmlDeviceGetMigMode, d));
  if (currentMode == NULL || pendingMode == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *currentMode = d->mig_current;
  *pendingMode = d->mig_pending;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetComputeMode(nvmlDevice_t d, int *mode) {
  CHECK(enter_device(FN_nvmlDeviceGetComputeMode, d));
  if (mode == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *mode = (int)d->compute_mode;
  return NVML_SUCCESS;
}

#ifndef FAKE_NO_EVENTS
EXPORT nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) {
  CHECK(enter_system(FN_nvmlEventSetCreate, 1));
  if (set == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  if (event_set.in_use) return NVML_ERROR_UNKNOWN; /* the binding needs only one */
  memset(&event_set, 0, sizeof event_set);
  event_set.in_use = 1;
  *set = &event_set;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t d, unsigned long long *eventTypes) {
  CHECK(enter_device(FN_nvmlDeviceGetSupportedEventTypes, d));
  if (eventTypes == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *eventTypes = d->supported_events;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t d, unsigned long long eventTypes, nvmlEventSet_t set) {
  CHECK(enter_device(FN_nvmlDeviceRegisterEvents, d));
  if (set != &event_set || !event_set.in_use) return NVML_ERROR_INVALID_ARGUMENT;
  unsigned long long accepted = eventTypes & d->supported_events;
  if (accepted == 0) return NVML_ERROR_NOT_SUPPORTED;
  event_set.registered[d->index] |= accepted;
  return NVML_SUCCESS;
}

/* Never blocks: answers the oldest registered event, or TIMEOUT at once. */
EXPORT nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
  CHECK(enter_system(FN_nvmlEventSetWait_v2, 1));
  last_wait_timeout_ms = timeoutms;
  if (set != &event_set || !event_set.in_use || data == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  for (int k = 0; k < event_count; k++) {
    fake_event e = events[k];
    if ((event_set.registered[e.device] & e.type) == 0) continue;
    memmove(&events[k], &events[k + 1], sizeof(fake_event) * (size_t)(event_count - k - 1));
    event_count--;
    data->device = &devices[e.device];
    data->eventType = e.type;
    data->eventData = e.data;
    data->gpuInstanceId = 0xFFFFFFFFu;
    data->computeInstanceId = 0xFFFFFFFFu;
    return NVML_SUCCESS;
  }
  return NVML_ERROR_TIMEOUT;
}

EXPORT nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
  CHECK(enter_system(FN_nvmlEventSetFree, 1));
  if (set != &event_set || !event_set.in_use) return NVML_ERROR_INVALID_ARGUMENT;
  event_set.in_use = 0;
  return NVML_SUCCESS;
}
#endif

/* ---- the C baseline for `headroom bench binding` ------------------------------------------ */

/* Only the full variant has every entry point the loop calls. */
#if !defined(FAKE_NO_MEMORY_V2) && !defined(FAKE_NO_PROCESS_V3) && !defined(FAKE_NO_TEMPERATURE_V) && \
    !defined(FAKE_NO_FIELD_VALUES)

__attribute__((unused)) static long long monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Calls the same entry points, with the same arguments, that the binding makes for one full
 * device snapshot on this (full) variant, `iterations` times; returns the elapsed nanoseconds.
 * Results go to a volatile sink so the compiler cannot drop the calls.
 */
EXPORT long long fake_bench_loop(int index, long long iterations) {
  ensure_configured();
  if (index < 0 || index >= device_count || init_refcount == 0) return -1;
  nvmlDevice_t d = &devices[index];
  enum { MAX_FIELDS = 6 + 3 * MAX_LINKS };
  nvmlFieldValue_t fields[MAX_FIELDS];
  nvmlProcessInfo_t procs[64];
  volatile unsigned long long sink = 0;
  int links = d->link_count;
  long long start = monotonic_ns();
  for (long long it = 0; it < iterations; it++) {
    nvmlMemory_v2_t mem = {.version = nvmlMemory_v2};
    nvmlBAR1Memory_t bar1;
    nvmlUtilization_t util;
    nvmlTemperature_v1_t temp = {.version = nvmlTemperature_v1, .sensorType = NVML_TEMPERATURE_GPU};
    unsigned int value, count;
    sink += (unsigned long long)nvmlDeviceGetMemoryInfo_v2(d, &mem) + mem.used;
    sink += (unsigned long long)nvmlDeviceGetBAR1MemoryInfo(d, &bar1) + bar1.bar1Used;
    count = 64;
    sink += (unsigned long long)nvmlDeviceGetComputeRunningProcesses_v3(d, &count, procs) + count;
    count = 64;
    sink += (unsigned long long)nvmlDeviceGetGraphicsRunningProcesses_v3(d, &count, procs) + count;
    sink += (unsigned long long)nvmlDeviceGetUtilizationRates(d, &util) + util.gpu;
    sink += (unsigned long long)nvmlDeviceGetCurrPcieLinkGeneration(d, &value) + value;
    sink += (unsigned long long)nvmlDeviceGetCurrPcieLinkWidth(d, &value) + value;
    int n = 0;
    fields[n++] = (nvmlFieldValue_t){.fieldId = NVML_FI_DEV_PCIE_COUNT_TX_BYTES};
    fields[n++] = (nvmlFieldValue_t){.fieldId = NVML_FI_DEV_PCIE_COUNT_RX_BYTES};
    fields[n++] = (nvmlFieldValue_t){.fieldId = NVML_FI_DEV_PCIE_REPLAY_COUNTER};
    fields[n++] = (nvmlFieldValue_t){.fieldId = NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION};
    fields[n++] = (nvmlFieldValue_t){.fieldId = NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, .scopeId = 0xFFFFFFFFu};
    fields[n++] = (nvmlFieldValue_t){.fieldId = NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, .scopeId = 0xFFFFFFFFu};
    for (int l = 0; l < links; l++) {
      fields[n++] = (nvmlFieldValue_t){.fieldId = NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, .scopeId = (unsigned int)l};
      fields[n++] = (nvmlFieldValue_t){.fieldId = NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, .scopeId = (unsigned int)l};
      fields[n++] = (nvmlFieldValue_t){.fieldId = NVML_FI_DEV_NVLINK_GET_STATE, .scopeId = (unsigned int)l};
    }
    sink += (unsigned long long)nvmlDeviceGetFieldValues(d, n, fields) + fields[0].value.ullVal;
    sink += (unsigned long long)nvmlDeviceGetTemperatureV(d, &temp) + (unsigned)temp.temperature;
    sink += (unsigned long long)nvmlDeviceGetPowerUsage(d, &value) + value;
  }
  long long elapsed = monotonic_ns() - start;
  (void)sink;
  return elapsed;
}
#endif
