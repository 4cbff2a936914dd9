package dev.headroom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HostPortOptionTest {

  @Test
  void theLastColonSplitsAndBracketsAroundAnIpv6HostAreDropped() {
    InetSocketAddress v6 = HostPortOption.peer("--collector", "[::1]:9475");
    assertThat(v6.getAddress().isLoopbackAddress()).isTrue();
    assertThat(v6.getPort()).isEqualTo(9475);
    InetSocketAddress v4 = HostPortOption.listen("--listen", "127.0.0.1:9476");
    assertThat(v4.getHostString()).isEqualTo("127.0.0.1");
    assertThat(v4.getPort()).isEqualTo(9476);
  }

  @Test
  void aListenAddressMayAskForAnyFreePortButAPeerMayNot() {
    assertThat(HostPortOption.listen("--http", "127.0.0.1:0").getPort()).isZero();
    assertThatThrownBy(() -> HostPortOption.peer("--collector", "127.0.0.1:0"))
        .isInstanceOf(UserInputException.class)
        .hasMessage("--collector '127.0.0.1:0': port must be 1-65535");
    assertThatThrownBy(() -> HostPortOption.listen("--http", "127.0.0.1:65536"))
        .hasMessage("--http '127.0.0.1:65536': port must be 0-65535");
  }

  @Test
  void aValueWithoutHostOrPortNamesTheOptionAndOnlyAListenAddressGivesAnExample() {
    assertThatThrownBy(() -> HostPortOption.listen("--listen", "nonsense"))
        .hasMessage("--listen 'nonsense' is not HOST:PORT (e.g. 127.0.0.1:9475)");
    assertThatThrownBy(() -> HostPortOption.peer("--collector", ":9475"))
        .hasMessage("--collector ':9475' is not HOST:PORT");
    assertThatThrownBy(() -> HostPortOption.peer("--collector", "host:"))
        .hasMessage("--collector 'host:' is not HOST:PORT");
    assertThatThrownBy(() -> HostPortOption.peer("--collector", "host:http"))
        .hasMessage("--collector 'host:http': port 'http' is not a number");
  }
}
