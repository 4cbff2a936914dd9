package dev.headroom.nvml;

import static dev.headroom.nvml.jna.NvmlReturn.NVML_SUCCESS;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.headroom.nvml.jna.NvmlConstants;
import dev.headroom.nvml.jna.NvmlCoreApi;
import dev.headroom.nvml.jna.NvmlEnergyApi;
import dev.headroom.nvml.jna.NvmlFieldValuesApi;
import dev.headroom.nvml.jna.NvmlMemoryV2Api;
import java.time.Clock;
import java.util.OptionalInt;

/**
 * What opening one device finds out, once: its identity and total memory, which calls and fields
 * it answers, the limits of its PCIe link, and the block of native memory every later read of it
 * reuses, carved into one region per struct.
 */
final class DeviceSetup {

  /** One past the highest link index NVML has ever had (NVML_NVLINK_MAX_LINKS is 36 in 13.3). */
  static final int MAX_LINKS = 64;

  final Pointer handle;
  final NativeBinding binding;
  final ProcessListReader.Flavor flavor;
  final Clock clock;
  final Memory scratch;
  final Pointer memoryV2;
  final Pointer memoryV1;
  final Pointer bar1;
  final Pointer utilization;
  final Pointer u32;
  final Pointer u32b;
  final Pointer temperature;
  final Pointer u64;
  final Pointer fields;
  DeviceInfo info;
  boolean useMemoryV2;
  boolean pcieCounters;
  int linkCount;
  boolean linkStateField;
  boolean replayField;
  boolean energyField;
  boolean hasEnergy;
  OptionalInt maxLinkGeneration = OptionalInt.empty();
  OptionalInt maxLinkWidth = OptionalInt.empty();

  private DeviceSetup(Pointer handle, NativeBinding binding, ProcessListReader.Flavor flavor, Clock clock) {
    this.handle = handle;
    this.binding = binding;
    this.flavor = flavor;
    this.clock = clock;
    long at = 0;
    long memoryV2At = at;
    at = NvmlLayout.align8(at + NvmlLayout.MEMORY_V2_SIZE);
    long memoryV1At = at;
    at = NvmlLayout.align8(at + NvmlLayout.MEMORY_SIZE);
    long bar1At = at;
    at = NvmlLayout.align8(at + NvmlLayout.BAR1_SIZE);
    long utilizationAt = at;
    at = NvmlLayout.align8(at + NvmlLayout.UTILIZATION_SIZE);
    long u32At = at;
    at = NvmlLayout.align8(at + 4);
    long u32bAt = at;
    at = NvmlLayout.align8(at + 4);
    long temperatureAt = at;
    at = NvmlLayout.align8(at + NvmlLayout.TEMPERATURE_SIZE);
    long u64At = at;
    at = NvmlLayout.align8(at + 8);
    long fieldsAt = at;
    // Room for every field a device can ask for, and at least for the strings read at open.
    long fieldBytes = Math.max((long) FieldRequest.maxElements(MAX_LINKS) * NvmlLayout.FIELD_SIZE, 256);
    scratch = new Memory(fieldsAt + fieldBytes);
    scratch.clear();
    memoryV2 = scratch.share(memoryV2At, NvmlLayout.MEMORY_V2_SIZE);
    memoryV1 = scratch.share(memoryV1At, NvmlLayout.MEMORY_SIZE);
    bar1 = scratch.share(bar1At, NvmlLayout.BAR1_SIZE);
    utilization = scratch.share(utilizationAt, NvmlLayout.UTILIZATION_SIZE);
    u32 = scratch.share(u32At, 4);
    u32b = scratch.share(u32bAt, 4);
    temperature = scratch.share(temperatureAt, NvmlLayout.TEMPERATURE_SIZE);
    u64 = scratch.share(u64At, 8);
    fields = scratch.share(fieldsAt, fieldBytes);
  }

  /**
   * Reads what does not change and decides which calls and fields this device answers.
   *
   * @throws NvmlException when the device cannot be opened (no UUID, no memory reading, lost)
   */
  static DeviceSetup probe(int index, Pointer handle, NativeBinding binding, ProcessListReader.Flavor flavor,
      Clock clock) throws NvmlException {
    DeviceSetup s = new DeviceSetup(handle, binding, flavor, clock);
    OpenCheck check = new OpenCheck();
    String name = s.readString(
        NvmlCoreApi.nvmlDeviceGetName(handle, s.fields, NvmlConstants.NVML_DEVICE_NAME_V2_BUFFER_SIZE),
        "nvmlDeviceGetName", check);
    if (name.isEmpty()) {
      name = "unknown";
    }
    // The UUID is the device's identity: without it the device cannot be opened at all.
    int uuidRc = NvmlCoreApi.nvmlDeviceGetUUID(handle, s.fields, NvmlConstants.NVML_DEVICE_UUID_V2_BUFFER_SIZE);
    if (uuidRc != NVML_SUCCESS) {
      throw NvmlCalls.failure("nvmlDeviceGetUUID", uuidRc);
    }
    String uuid = s.fields.getString(0, "US-ASCII");
    String busId = "";
    if (check.accept(NvmlCoreApi.nvmlDeviceGetPciInfo_v3(handle, s.fields), "nvmlDeviceGetPciInfo_v3")) {
      busId = s.fields.getString(NvmlLayout.PCI_BUS_ID, "US-ASCII");
    }
    s.useMemoryV2 = binding.has(NvmlMemoryV2Api.class);
    long total = s.probeMemoryTotal(check);
    s.info = new DeviceInfo(uuid, index, name, busId, total);
    s.probeFields(check);
    if (check.accept(NvmlCoreApi.nvmlDeviceGetMaxPcieLinkGeneration(handle, s.u32), DeviceReader.FN_MAX_GEN)) {
      s.maxLinkGeneration = OptionalInt.of(s.u32.getInt(0));
    }
    if (check.accept(NvmlCoreApi.nvmlDeviceGetMaxPcieLinkWidth(handle, s.u32), DeviceReader.FN_MAX_WIDTH)) {
      s.maxLinkWidth = OptionalInt.of(s.u32.getInt(0));
    }
    s.hasEnergy = s.energyField || (binding.has(NvmlEnergyApi.class)
        && check.accept(NvmlEnergyApi.nvmlDeviceGetTotalEnergyConsumption(handle, s.u64), DeviceReader.FN_ENERGY));
    return s;
  }

  /** The snapshot's field request, over this device's field memory. */
  FieldRequest fieldRequest() {
    return new FieldRequest(fields, pcieCounters, replayField, energyField, linkCount, linkStateField);
  }

  /** At open a device has no UUID yet, so a lost GPU is an ordinary failure that skips it. */
  private static final class OpenCheck implements NvmlCalls.ReturnCheck {
    @Override
    public boolean onFailure(int code, String function) throws NvmlException {
      throw NvmlCalls.failure(function, code);
    }
  }

  private String readString(int rc, String function, NvmlCalls.ReturnCheck check) throws NvmlException {
    if (!check.accept(rc, function)) {
      return "";
    }
    return fields.getString(0, "UTF-8");
  }

  private long probeMemoryTotal(NvmlCalls.ReturnCheck check) throws NvmlException {
    if (useMemoryV2) {
      memoryV2.setInt(NvmlLayout.MEMORY_V2_VERSION, NvmlConstants.nvmlMemory_v2);
      int rc = NvmlMemoryV2Api.nvmlDeviceGetMemoryInfo_v2(handle, memoryV2);
      if (rc == NVML_SUCCESS) {
        return memoryV2.getLong(NvmlLayout.MEMORY_V2_TOTAL);
      }
      if (!DeviceReader.fallsBackToV1(rc)) {
        check.accept(rc, DeviceReader.FN_MEMORY_V2);
        throw NvmlCalls.failure(DeviceReader.FN_MEMORY_V2, rc);
      }
      useMemoryV2 = false;
    }
    int rc = NvmlCoreApi.nvmlDeviceGetMemoryInfo(handle, memoryV1);
    if (rc != NVML_SUCCESS) {
      check.accept(rc, DeviceReader.FN_MEMORY);
      throw NvmlCalls.failure(DeviceReader.FN_MEMORY, rc);
    }
    return memoryV1.getLong(NvmlLayout.MEMORY_TOTAL);
  }

  /**
   * Asks once for the link count and the fields a snapshot would like (PCIe byte counters, replay
   * counter, energy, link state); each element answers for itself.
   */
  private void probeFields(NvmlCalls.ReturnCheck check) throws NvmlException {
    if (!binding.has(NvmlFieldValuesApi.class)) {
      return;
    }
    int[] ids = {
      NvmlConstants.NVML_FI_DEV_NVLINK_LINK_COUNT,
      NvmlConstants.NVML_FI_DEV_PCIE_COUNT_TX_BYTES,
      NvmlConstants.NVML_FI_DEV_PCIE_COUNT_RX_BYTES,
      NvmlConstants.NVML_FI_DEV_PCIE_REPLAY_COUNTER,
      NvmlConstants.NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION
    };
    for (int i = 0; i < ids.length; i++) {
      fields.setInt((long) i * NvmlLayout.FIELD_SIZE + NvmlLayout.FIELD_ID, ids[i]);
      fields.setInt((long) i * NvmlLayout.FIELD_SIZE + NvmlLayout.FIELD_SCOPE_ID, 0);
    }
    if (!check.accept(NvmlFieldValuesApi.nvmlDeviceGetFieldValues(handle, ids.length, fields), FieldRequest.FUNCTION)) {
      return;
    }
    if (answered(0)) {
      long links = fields.getInt(NvmlLayout.FIELD_VALUE) & 0xFFFF_FFFFL;
      linkCount = (int) Math.min(links, MAX_LINKS);
    }
    pcieCounters = answered(1) && answered(2);
    // Same values as their own calls, but they ride along in the one field call per snapshot.
    replayField = answered(3);
    energyField = answered(4);
    if (linkCount > 0) {
      fields.setInt(NvmlLayout.FIELD_ID, NvmlConstants.NVML_FI_DEV_NVLINK_GET_STATE);
      fields.setInt(NvmlLayout.FIELD_SCOPE_ID, 0);
      linkStateField = check.accept(NvmlFieldValuesApi.nvmlDeviceGetFieldValues(handle, 1, fields),
          FieldRequest.FUNCTION) && answered(0);
    }
  }

  private boolean answered(int element) {
    return fields.getInt((long) element * NvmlLayout.FIELD_SIZE + NvmlLayout.FIELD_RETURN) == NVML_SUCCESS;
  }
}
