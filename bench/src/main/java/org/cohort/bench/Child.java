package org.cohort.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import one.profiler.AsyncProfiler;

/**
 * One node of one trial, in its own JVM, driven by the harness through its standard input, one command a
 * line: {@code start} (generate load), {@code mark} (print the counters), {@code stop} (stop generating,
 * wait for requests still out), {@code profile-start PATH} / {@code profile-stop} (CPU samples of the
 * measured window, async-profiler's collapsed stacks), {@code quit}. It answers on standard output with
 * {@code READY}, {@code MARK {json}}, {@code STOPPED {json}}, {@code OK} or {@code ERROR text}; logs go to
 * standard error. It exits when its standard input closes, so it never outlives the harness.
 *
 * <p>Arguments: system, workload, this node's number, then every node as {@code ip:port}; optionally
 * {@code tls=DIR} and {@code cfg=key=value,...} (Cohort settings beyond the defaults).
 */
public final class Child {

    static final String READY = "READY";

    private Child() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        String system = args[0];
        Workload workload = Workload.valueOf(args[1]);
        int self = Integer.parseInt(args[2]);
        List<InetSocketAddress> nodes = new ArrayList<>();
        Path tlsDir = null;
        java.util.Map<String, String> config = new java.util.LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            if (args[i].startsWith("tls=")) {
                tlsDir = Path.of(args[i].substring(4));
                continue;
            }
            if (args[i].startsWith("cfg=")) {
                for (String entry : args[i].substring(4).split(",")) {
                    int equals = entry.indexOf('=');
                    config.put(entry.substring(0, equals).strip(), entry.substring(equals + 1).strip());
                }
                continue;
            }
            int colon = args[i].lastIndexOf(':');
            nodes.add(new InetSocketAddress(InetAddress.getByName(args[i].substring(0, colon)),
                    Integer.parseInt(args[i].substring(colon + 1))));
        }
        Transport transport = switch (system) {
            case "cohort", "cohort-parent" -> new CohortTransport(self, nodes, null, false, config);
            case "cohort-tls" -> new CohortTransport(self, nodes, tlsDir, false, config);
            case "cohort-direct" -> new CohortTransport(self, nodes, null, true, config);
            case "raw-buffered" -> new RawTransport(RawTransport.Mode.BUFFERED, self, nodes, false);
            case "raw-tls" -> new RawTransport(RawTransport.Mode.BUFFERED, self, nodes, false,
                    new RawTls(tlsDir, CohortTransport.nodeName(self), config.getOrDefault("tls.engine", "auto")));
            case "raw-inline" -> new RawTransport(RawTransport.Mode.INLINE, self, nodes,
                    workload == Workload.W2 && self == 1);
            default -> throw new IllegalArgumentException("unknown system " + system);
        };
        Load load = new Load(workload, transport, self);
        Path profile = null;
        try {
            load.install();
            transport.start();
            transport.awaitConnected(Duration.ofSeconds(60));
            // READY, then the TLS the links run (engine, protocol, cipher suite), if any.
            out.println(transport.tls() == null ? READY : READY + " " + transport.tls());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.strip();
                if (command.equals("start")) {
                    load.startSending();
                    out.println("OK");
                } else if (command.equals("mark")) {
                    out.println("MARK " + Json.write(load.snapshot()).replace('\n', ' '));
                } else if (command.equals("stop")) {
                    load.stopSending();
                    out.println("STOPPED " + Json.write(load.snapshot()).replace('\n', ' '));
                } else if (command.startsWith("profile-start ")) {
                    profile = Path.of(command.substring("profile-start ".length()));
                    // Wall-clock interval timer: needs no perf events (often unavailable in VMs); thread names kept.
                    AsyncProfiler.getInstance().execute("start,event=itimer,interval=1ms,threads");
                    out.println("OK");
                } else if (command.equals("profile-stop")) {
                    if (profile != null) {
                        AsyncProfiler.getInstance().execute("stop,collapsed,file=" + profile);
                        profile = null;
                    }
                    out.println("OK");
                } else if (command.equals("quit")) {
                    break;
                } else {
                    out.println("ERROR unknown command " + command);
                }
            }
        } catch (Exception | Error e) {
            out.println("ERROR " + e.toString().replace('\n', ' '));
            e.printStackTrace();
            transport.close();
            System.exit(1);
        }
        transport.close();
        System.exit(0);
    }
}
