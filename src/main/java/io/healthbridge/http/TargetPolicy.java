package io.healthbridge.delivery.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses webhook targets that resolve to private, loopback, link-local or unspecified addresses (server-side request
 * forgery), unless {@code healthbridge.webhooks.allowed-targets} lists the host or a CIDR containing the address.
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

    static boolean isInternal(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
               || a.isMulticastAddress() || uniqueLocalV6;
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
