package dev.headroom.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Structure;
import dev.headroom.nvml.jna.LayoutStructure;
import dev.headroom.nvml.jna.NvmlBar1Memory;
import dev.headroom.nvml.jna.NvmlEventData;
import dev.headroom.nvml.jna.NvmlFieldValue;
import dev.headroom.nvml.jna.NvmlMemory;
import dev.headroom.nvml.jna.NvmlMemoryV2;
import dev.headroom.nvml.jna.NvmlPciInfo;
import dev.headroom.nvml.jna.NvmlProcessDetailV1;
import dev.headroom.nvml.jna.NvmlProcessInfo;
import dev.headroom.nvml.jna.NvmlProcessInfoV1;
import dev.headroom.nvml.jna.NvmlTemperatureV1;
import dev.headroom.nvml.jna.NvmlUtilization;
import dev.headroom.nvml.jna.NvmlValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JNA structures, the fake library's C structs and the real nvml.h agree on every size and
 * offset. Three independent sources: JNA's layout of the Java classes, gcc's layout of
 * src/test/c/fake_nvml.h (asked through fake_sizeof/fake_offsetof), and the numbers below, printed
 * by rustc from the bindgen output of a real nvml.h (Debian librust-nvml-wrapper-sys-dev,
 * nvml-wrapper-sys 0.7.0, NVML API 11) — except nvmlTemperature_v1_t and nvmlProcessDetail_v1_t,
 * which are newer than that header and come from the facts file (gcc over nvml.h 13.3.29).
 */
class StructureLayoutTest {

  record Layout(String cType, Supplier<LayoutStructure> jna, int size, Map<String, Integer> offsets) {
    @Override
    public String toString() {
      return cType;
    }
  }

  static Map<String, Integer> offsets(Object... pairs) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return m;
  }

  static List<Layout> layouts() {
    return List.of(
        new Layout("nvmlPciInfo_t", NvmlPciInfo::new, 68, offsets("busIdLegacy", 0, "domain", 16, "bus", 20,
            "device", 24, "pciDeviceId", 28, "pciSubSystemId", 32, "busId", 36)),
        new Layout("nvmlMemory_t", NvmlMemory::new, 24, offsets("total", 0, "free", 8, "used", 16)),
        new Layout("nvmlMemory_v2_t", NvmlMemoryV2::new, 40, offsets("version", 0, "total", 8, "reserved", 16,
            "free", 24, "used", 32)),
        new Layout("nvmlBAR1Memory_t", NvmlBar1Memory::new, 24, offsets("bar1Total", 0, "bar1Free", 8, "bar1Used", 16)),
        new Layout("nvmlProcessInfo_v1_t", NvmlProcessInfoV1::new, 16, offsets("pid", 0, "usedGpuMemory", 8)),
        new Layout("nvmlProcessInfo_t", NvmlProcessInfo::new, 24, offsets("pid", 0, "usedGpuMemory", 8,
            "gpuInstanceId", 16, "computeInstanceId", 20)),
        new Layout("nvmlProcessDetail_v1_t", NvmlProcessDetailV1::new, 32, offsets("pid", 0, "usedGpuMemory", 8,
            "gpuInstanceId", 16, "computeInstanceId", 20, "usedGpuCcProtectedMemory", 24)),
        new Layout("nvmlUtilization_t", NvmlUtilization::new, 8, offsets("gpu", 0, "memory", 4)),
        new Layout("nvmlFieldValue_t", NvmlFieldValue::new, 40, offsets("fieldId", 0, "scopeId", 4, "timestamp", 8,
            "latencyUsec", 16, "valueType", 24, "nvmlReturn", 28, "value", 32)),
        new Layout("nvmlEventData_t", NvmlEventData::new, 32, offsets("device", 0, "eventType", 8, "eventData", 16,
            "gpuInstanceId", 24, "computeInstanceId", 28)),
        new Layout("nvmlTemperature_v1_t", NvmlTemperatureV1::new, 12, offsets("version", 0, "sensorType", 4,
            "temperature", 8)));
  }

  static FakeNvml.Control fake;

  @BeforeAll
  static void loadFake() {
    fake = FakeNvml.reset(FakeNvml.Variant.FULL, 1).control;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layouts")
  void jnaStructureMatchesTheRealHeader(Layout layout) {
    LayoutStructure s = layout.jna().get();
    assertThat(s.size()).as("sizeof(%s)", layout.cType()).isEqualTo(layout.size());
    assertThat(s.getClass().getAnnotation(Structure.FieldOrder.class).value()).as("fields of %s, in C order", layout.cType())
        .containsExactlyElementsOf(layout.offsets().keySet());
    layout.offsets().forEach((field, offset) ->
        assertThat(s.offsetOf(field)).as("offsetof(%s, %s)", layout.cType(), field).isEqualTo(offset));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layouts")
  void fakeLibraryStructMatchesTheRealHeader(Layout layout) {
    assertThat(fake.fake_sizeof(layout.cType())).as("gcc sizeof(%s)", layout.cType()).isEqualTo(layout.size());
    layout.offsets().forEach((field, offset) ->
        assertThat(fake.fake_offsetof(layout.cType(), field)).as("gcc offsetof(%s, %s)", layout.cType(), field)
            .isEqualTo(offset));
  }

  @Test
  void valueUnionIsEightBytesWithEveryMemberAtZero() {
    NvmlValue value = new NvmlValue();
    assertThat(value.size()).isEqualTo(8).isEqualTo(fake.fake_sizeof("nvmlValue_t"));
    for (String member : List.of("dVal", "siVal", "uiVal", "ulVal", "ullVal", "sllVal", "usVal")) {
      assertThat(fake.fake_offsetof("nvmlValue_t", member)).as(member).isZero();
    }
  }

  @Test
  void versionedStructConstantsEncodeSizeAndVersion() {
    assertThat(dev.headroom.nvml.jna.NvmlConstants.nvmlMemory_v2).isEqualTo(new NvmlMemoryV2().size() | (2 << 24));
    assertThat(dev.headroom.nvml.jna.NvmlConstants.nvmlTemperature_v1)
        .isEqualTo(new NvmlTemperatureV1().size() | (1 << 24));
  }

  @Test
  void facadeOffsetsComeFromTheStructures() {
    Structure s = new NvmlFieldValue();
    assertThat(NvmlLayout.FIELD_SIZE).isEqualTo(s.size());
    assertThat(NvmlLayout.MEMORY_V2_USED).isEqualTo(32);
    assertThat(NvmlLayout.PROCESS_DETAIL_SIZE).isEqualTo(32);
    assertThat(NvmlLayout.EVENT_DATA).isEqualTo(16);
  }
}
