package io.healthbridge.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Refuses outbound targets (webhook URLs, integrations' base and token URLs) that resolve to an address inside the
 * deployment's networks rather than on the internet (server-side request forgery), unless
 * {@code healthbridge.webhooks.allowed-targets} lists the host or a CIDR containing the address.
 */
public final class TargetPolicy {

    private final List<String> hosts = new ArrayList<>();
    private final List<byte[][]> networks = new ArrayList<>();

    public TargetPolicy(String allowed) {
        if (allowed == null) {
            return;
        }
        for (String entry : allowed.split(",")) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            if (e.contains("/")) {
                try {
                    byte[] base = InetAddress.getByName(e.substring(0, e.indexOf('/'))).getAddress();
                    int bits = Integer.parseInt(e.substring(e.indexOf('/') + 1));
                    networks.add(new byte[][] { base, { (byte) bits } });
                } catch (UnknownHostException | NumberFormatException ex) {
                    throw new IllegalArgumentException("healthbridge.webhooks.allowed-targets: '" + e + "' is not a CIDR");
                }
            } else {
                hosts.add(e);
            }
        }
    }

    /** Why the URL may not be a target, or null when it may. */
    public String problem(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "url is not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return "url must be an absolute http or https URL";
        }
        if (uri.getUserInfo() != null) {
            return "url must not carry credentials";
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (hosts.contains(host)) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "url host " + host + " does not resolve";
        }
        for (InetAddress a : addresses) {
            if (isInternal(a) && !allowedNetwork(a)) {
                return "url resolves to a private, loopback or link-local address (" + a.getHostAddress()
                       + "); allow it in healthbridge.webhooks.allowed-targets";
            }
        }
        return null;
    }

    /**
     * Addresses no outbound call may reach unless allowed: loopback, private, link-local, unspecified, carrier-grade
     * NAT (a cloud metadata service lives there), the IETF's special-purpose and reserved blocks, multicast and
     * broadcast; an IPv6 address that carries an IPv4 one (mapped, compatible, NAT64, 6to4) is judged by that IPv4
     * address, and Teredo, whose IPv4 address is hidden, is refused.
     */
    public static boolean isInternal(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return internalV4(b);
        }
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()
            || a.isSiteLocalAddress()) {
            return true;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if ((first & 0xfe) == 0xfc) {
            return true; // fc00::/7 unique local
        }
        if (zeros(b, 0, 10) && ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff || zeros(b, 10, 12))) {
            return internalV4(Arrays.copyOfRange(b, 12, 16)); // ::ffff:a.b.c.d and ::a.b.c.d
        }
        if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            return internalV4(Arrays.copyOfRange(b, 12, 16)); // 64:ff9b::/96 NAT64
        }
        if (first == 0x20 && second == 0x02) {
            return internalV4(Arrays.copyOfRange(b, 2, 6)); // 2002::/16 6to4
        }
        if (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0) {
            return true; // 2001::/32 Teredo
        }
        if (first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return true; // 2001:db8::/32 documentation
        }
        return first == 0x01 && second == 0x00 && zeros(b, 2, 8); // 100::/64 discard
    }

    /** IPv4 blocks that are not the public internet (RFC 6890 and its successors). */
    private static final int[][] INTERNAL_V4 = {
        {0, 0, 8}, {10, 0, 8}, {100, 64, 10}, {127, 0, 8}, {169, 254, 16}, {172, 16, 12}, {192, 0, 24},
        {192, 168, 16}, {198, 18, 15}, {224, 0, 4}, {240, 0, 4}};
    private static final int[][] INTERNAL_V4_24 = {{192, 0, 2}, {198, 51, 100}, {203, 0, 113}, {192, 88, 99}};

    private static boolean internalV4(byte[] b) {
        int address = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
        for (int[] n : INTERNAL_V4) {
            int base = n[0] << 24 | n[1] << 16;
            int mask = n[2] == 0 ? 0 : -1 << (32 - n[2]);
            if ((address & mask) == (base & mask)) {
                return true;
            }
        }
        for (int[] n : INTERNAL_V4_24) {
            if ((address >>> 8) == (n[0] << 16 | n[1] << 8 | n[2])) {
                return true;
            }
        }
        return false; // 255.255.255.255 is inside 240.0.0.0/4
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private boolean allowedNetwork(InetAddress a) {
        byte[] addr = a.getAddress();
        for (byte[][] n : networks) {
            byte[] base = n[0];
            int bits = n[1][0] & 0xff;
            if (base.length != addr.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < bits && match; i++) {
                int mask = 0x80 >> (i % 8);
                match = (base[i / 8] & mask) == (addr[i / 8] & mask);
            }
            if (match) {
                return true;
            }
        }
        return false;
    }
}
