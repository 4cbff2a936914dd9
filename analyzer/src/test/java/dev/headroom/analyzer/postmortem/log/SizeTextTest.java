package dev.headroom.analyzer.postmortem.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SizeTextTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "0 bytes                              | 0",
    "1024 bytes                           | 1024",
    "1024.00 KiB                          | 1048576",
    "12.50 MiB                            | 13107200",
    "9.20 GiB                             | 9878424780.8",
    "1.25TiB                              | 1374389534720",
    "3.31 GB                              | 3554085437.44",
    "16.00 GB                             | 17179869184",
    "1.00G                                | 1073741824",
    "4.02MiB                              | 4215275.52",
    "1,024.00 MiB                         | 1073741824",
    "13535.27 GiB                         | 14533385498132.48",
    "87.48GiB (93935126000B)              | 93935126000",
    "1.25TiB (rounded to 1374521760000)   | 1374521760000",
    "1.25TiB (1374521760000 bytes)        | 1374521760000",
    "-2.00 GiB                            | -2147483648",
  })
  void unitsFromBytesToTebibytes(String text, String bytes) {
    assertThat(SizeText.parse(text)).hasValueSatisfying(
        b -> assertThat(b.bytes()).isEqualByComparingTo(new BigDecimal(bytes)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"more than 1EB", "GiB", "12.5 parsecs", "''"})
  void notSizes(String text) {
    assertThat(SizeText.parse(text)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "[rank3]: 14.76 GiB total capacity                                          | 14.76 GiB total capacity",
    ">   > GPU 0 has                                                            | GPU 0 has",
    "(EngineCore_DP0 pid=17374) ERROR 09-28 15:47:24 [core.py:718] ValueError: x | ValueError: x",
    "2024-05-02 10:11:12,345 ERROR: memory try setting                          | memory try setting",
    "I tensorflow/core/common_runtime/bfc_allocator.cc:696] Sum Total            | Sum Total",
    "W0502 10:11:20.001000 140 api.py:826] failed                               | failed",
    "[1,0]<stderr>:reserved memory is >> allocated                              | reserved memory is >> allocated",
  })
  void prefixesAreStripped(String line, String expected) {
    assertThat(LinePrefixes.strip(line)).isEqualTo(expected);
  }
}
