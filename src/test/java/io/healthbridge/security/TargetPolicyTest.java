package io.healthbridge.security;

import java.net.InetAddress;

import io.healthbridge.http.TargetPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which addresses an outbound URL (webhook, integration) may reach: the internet only, in every spelling. */
class TargetPolicyTest {

    @ParameterizedTest(name = "{0} internal={1}")
    @CsvSource({
        // loopback, private, link-local, unspecified
        "127.0.0.1, true", "127.255.0.9, true", "10.1.2.3, true", "172.16.0.1, true", "172.31.255.255, true",
        "192.168.1.1, true", "169.254.169.254, true", "0.0.0.0, true", "0.1.2.3, true",
        // carrier-grade NAT (a cloud metadata address lives there), IETF blocks, benchmarking, reserved, broadcast
        "100.64.0.1, true", "100.100.100.200, true", "100.127.255.255, true", "192.0.0.170, true",
        "198.18.0.1, true", "198.19.255.255, true", "240.0.0.1, true", "255.255.255.255, true",
        "224.0.0.1, true", "192.0.2.1, true", "198.51.100.7, true", "203.0.113.9, true", "192.88.99.1, true",
        // IPv6: loopback, unspecified, link-local, unique local, multicast
        "::1, true", "::, true", "fe80::1, true", "fc00::1, true", "fd12:3456::1, true", "ff02::1, true",
        // IPv6 forms that carry an IPv4 address are judged by it
        "::127.0.0.1, true", "::ffff:127.0.0.1, true", "::ffff:10.0.0.1, true", "64:ff9b::7f00:1, true",
        "64:ff9b::a9fe:a9fe, true", "2002:7f00:1::, true", "2002:a00:1::1, true", "2001:0:4136:e378::1, true",
        "2001:db8::1, true", "100::1, true",
        // the public internet
        "93.184.216.34, false", "8.8.8.8, false", "100.63.255.255, false", "100.128.0.1, false",
        "172.32.0.1, false", "198.20.0.1, false", "2606:4700:4700::1111, false", "2002:5db8:d822::1, false",
        "64:ff9b::808:808, false", "::ffff:8.8.8.8, false"})
    void addressesInsideTheDeploymentAreRefused(String address, boolean internal) throws Exception {
        assertThat(TargetPolicy.isInternal(InetAddress.getByName(address))).isEqualTo(internal);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"http://[::127.0.0.1]:8080/x", "http://[::ffff:7f00:1]/x", "http://100.100.100.200/latest/meta-data",
        "http://[64:ff9b::a9fe:a9fe]/"})
    void urlsThatReachInsideAreRefused(String url) {
        assertThat(new TargetPolicy("").problem(url)).isNotNull();
    }
}
