package dev.headroom.nvml;

import static dev.headroom.nvml.jna.NvmlReturn.NVML_SUCCESS;

import com.sun.jna.Pointer;
import dev.headroom.nvml.jna.NvmlConstants;
import dev.headroom.nvml.jna.NvmlFieldValuesApi;

/**
 * The one {@code nvmlDeviceGetFieldValues} call a snapshot makes: which elements, in which order,
 * written once into reused native memory. Elements: PCIe byte counters (197/198), the PCIe replay
 * counter (94), energy (83), NVLink data counters over all links (138/139, scope UINT_MAX), then
 * per link its counters and, where field 165 answers, its state. An index is {@link #NONE} when
 * the device does not answer that field.
 */
final class FieldRequest {
  static final String FUNCTION = "nvmlDeviceGetFieldValues";
  static final int NONE = -1;

  /** Elements a request can hold at most, for sizing its native memory. */
  static int maxElements(int maxLinks) {
    return 6 + 3 * maxLinks;
  }

  private final Pointer values;
  private final int[] fieldIds;
  private final int[] scopeIds;
  final int pcieTx;
  final int pcieRx;
  final int replay;
  final int energy;
  final int nvlinkTx;
  final int nvlinkRx;
  final int linkCount;
  final boolean linkStateIncluded;
  private final int firstLink;
  private final int perLink;

  FieldRequest(Pointer values, boolean pcieCounters, boolean replayCounter, boolean energyCounter, int linkCount,
      boolean linkState) {
    this.values = values;
    this.linkCount = linkCount;
    this.linkStateIncluded = linkCount > 0 && linkState;
    this.perLink = linkStateIncluded ? 3 : 2;
    int next = 0;
    this.pcieTx = pcieCounters ? next++ : NONE;
    this.pcieRx = pcieCounters ? next++ : NONE;
    this.replay = replayCounter ? next++ : NONE;
    this.energy = energyCounter ? next++ : NONE;
    this.nvlinkTx = linkCount > 0 ? next++ : NONE;
    this.nvlinkRx = linkCount > 0 ? next++ : NONE;
    this.firstLink = next;
    int count = next + (linkCount > 0 ? perLink * linkCount : 0);
    this.fieldIds = new int[count];
    this.scopeIds = new int[count];
    set(pcieTx, NvmlConstants.NVML_FI_DEV_PCIE_COUNT_TX_BYTES, 0);
    set(pcieRx, NvmlConstants.NVML_FI_DEV_PCIE_COUNT_RX_BYTES, 0);
    set(replay, NvmlConstants.NVML_FI_DEV_PCIE_REPLAY_COUNTER, 0);
    set(energy, NvmlConstants.NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION, 0);
    set(nvlinkTx, NvmlConstants.NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, NvmlConstants.NVML_NVLINK_SCOPE_ALL_LINKS);
    set(nvlinkRx, NvmlConstants.NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, NvmlConstants.NVML_NVLINK_SCOPE_ALL_LINKS);
    for (int link = 0; link < linkCount; link++) {
      set(linkTx(link), NvmlConstants.NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, link);
      set(linkRx(link), NvmlConstants.NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, link);
      if (linkStateIncluded) {
        set(linkState(link), NvmlConstants.NVML_FI_DEV_NVLINK_GET_STATE, link);
      }
    }
  }

  private void set(int index, int fieldId, int scopeId) {
    if (index != NONE) {
      fieldIds[index] = fieldId;
      scopeIds[index] = scopeId;
    }
  }

  int count() {
    return fieldIds.length;
  }

  int linkTx(int link) {
    return firstLink + perLink * link;
  }

  int linkRx(int link) {
    return firstLink + perLink * link + 1;
  }

  int linkState(int link) {
    return linkStateIncluded ? firstLink + perLink * link + 2 : NONE;
  }

  /**
   * Writes the request (the driver fills the rest of each element) and makes the call.
   *
   * @return false when there is nothing to ask or the call said NOT_SUPPORTED / NO_PERMISSION
   */
  boolean call(Pointer device, NvmlCalls.ReturnCheck check) throws NvmlException {
    int count = fieldIds.length;
    if (count == 0) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      long base = (long) i * NvmlLayout.FIELD_SIZE;
      values.setInt(base + NvmlLayout.FIELD_ID, fieldIds[i]);
      values.setInt(base + NvmlLayout.FIELD_SCOPE_ID, scopeIds[i]);
    }
    return check.accept(NvmlFieldValuesApi.nvmlDeviceGetFieldValues(device, count, values), FUNCTION);
  }

  /** Whether element {@code index} answered SUCCESS; the element's own code goes through {@code check}. */
  boolean answered(int index, NvmlCalls.ReturnCheck check) throws NvmlException {
    int rc = values.getInt((long) index * NvmlLayout.FIELD_SIZE + NvmlLayout.FIELD_RETURN);
    return rc == NVML_SUCCESS || check.accept(rc, FUNCTION);
  }

  int intValue(int index) {
    return values.getInt(valueAt(index));
  }

  long longValue(int index) {
    return values.getLong(valueAt(index));
  }

  /**
   * Feeds counter element {@code index} to {@code rate}, by its value type (trusting {@code
   * valueType} rather than assuming u64) and the driver's own timestamp.
   *
   * @return bytes per second, or {@link CounterRate#NO_RATE}
   */
  long rate(int index, CounterRate rate, NvmlCalls.ReturnCheck check) throws NvmlException {
    long base = (long) index * NvmlLayout.FIELD_SIZE;
    int rc = values.getInt(base + NvmlLayout.FIELD_RETURN);
    if (rc != NVML_SUCCESS) {
      if (!check.accept(rc, FUNCTION)) {
        rate.reset();
      }
      return CounterRate.NO_RATE;
    }
    long timestampMicros = values.getLong(base + NvmlLayout.FIELD_TIMESTAMP);
    int type = values.getInt(base + NvmlLayout.FIELD_VALUE_TYPE);
    long at = base + NvmlLayout.FIELD_VALUE;
    return switch (type) {
      case NvmlConstants.NVML_VALUE_TYPE_UNSIGNED_INT, NvmlConstants.NVML_VALUE_TYPE_SIGNED_INT ->
          rate.update(values.getInt(at), 32, timestampMicros);
      case NvmlConstants.NVML_VALUE_TYPE_UNSIGNED_SHORT ->
          rate.update(values.getShort(at) & 0xFFFFL, 32, timestampMicros);
      case NvmlConstants.NVML_VALUE_TYPE_DOUBLE -> rate.update((long) values.getDouble(at), 64, timestampMicros);
      default -> rate.update(values.getLong(at), 64, timestampMicros);
    };
  }

  private static long valueAt(int index) {
    return (long) index * NvmlLayout.FIELD_SIZE + NvmlLayout.FIELD_VALUE;
  }
}
