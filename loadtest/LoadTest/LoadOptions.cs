using System.Globalization;

namespace Chat.LoadTest;

/// <summary>One step of the load: a rate held for a time; rate 0 ("max") sends as fast as the connections allow.</summary>
public sealed record Phase(int RatePerSecond, int Seconds)
{
    public override string ToString() => RatePerSecond == 0 ? $"max × {Seconds}s" : $"{RatePerSecond}/s × {Seconds}s";
}

public sealed record LoadOptions(
    Uri? Url, string? Kafka, IReadOnlyList<Phase> Phases, int Connections, int Conversations, int TextBytes, int FloorMessages, int Sockets, Uri? AuthUrl, IReadOnlyList<Uri> WebSocketUrls, int StalledSockets = 0, bool StalledConnect = true,
    int Batch = 1, int HttpFloorSeconds = 10, string? ReportDir = null, string Scenario = "custom", IReadOnlyDictionary<string, string>? Settings = null, int WarmupSeconds = 10)
{
    /// <summary>The seed's scenarios by name (issue 19): their phases.</summary>
    public static readonly IReadOnlyDictionary<string, string> Scenarios = new Dictionary<string, string>
    {
        ["sustained"] = "1700x60", // 100,000 messages/min held for a minute
        ["spike"] = "100x10,3400x30", // from near idle to 200,000/min at once
        ["knee"] = "maxx30", // unpaced: as fast as the connections allow, where it stops keeping up
        ["default"] = "1700x30,3400x15,maxx15",
    };

    public const string Usage = """
        Chat load test: posts messages at set rates and reports accepted/s, stored/s and POST→stored latency,
        then measures the floor: raw Confluent.Kafka produce of the same payloads to the same broker.

          dotnet run -c Release --project loadtest/LoadTest -- [options]

          --scenario sustained       the seed's scenarios by name: sustained (1700x60), spike (100x10,3400x30),
                                     knee (maxx30); files: loadtest/files.sh (concurrent uploads)
          --phases 1700x30,3400x15   rate/s × seconds, in order; "max" for unpaced (default: 1700x30,3400x15,maxx15)
          --warmup 10                seconds at 1000/s before the phases, not counted: the JIT settles first (0: none)
          --batch 1                  messages per request: above 1, POST /v1/messages/batch with that many
          --http-floor 10            seconds of the same requests, same connections, to a no-op Kestrel endpoint
                                     this process starts: the HTTP floor, and the ratio to it (0 skips it)
          --set Kafka:Partitions=4,Kafka:LingerMs=5
                                     configuration for the embedded Host, to compare settings (this run's only)
          --report-dir DIR           where the report (report.md, throughput.png, latency.png) goes
                                     (default: loadtest/reports/<scenario>-<time>)
          --url http://host:port     an already running Chat (default: start the embedded Host in this process)
          --auth-url http://…        where Auth answers, when it is not at --url (distributed mode)
          --ws-url http://a,http://b Presence nodes for the sockets, spread round-robin (default: --url)
          --kafka host:port          that Chat's Kafka, for stored/s and the floor (required with --url)
          --connections 64           HTTP keep-alive connections
          --conversations 200        conversations the messages are spread over
          --text-bytes 200           size of each message's text
          --floor 200000             messages in the raw Kafka produce floor run (0 skips it)
          --sockets 1000             WebSocket users, one conversation each with the sender; reports delivered/s and
                                     POST→WebSocket latency (default 0: HTTP and Kafka only)
          --stalled-sockets 200      more users, one in each conversation beside its reader, whose sockets never read
                                     (small TCP receive buffer): the readers' latency beside clients that do not keep up
                                     (default 0); with --stalled-connect no they are members but never connect, the
                                     baseline with the same conversations and the same fan-out
        """;

    public static LoadOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            map[args[i][2..]] = args[++i];
        }
        var known = new[] { "phases", "url", "kafka", "connections", "conversations", "text-bytes", "floor", "sockets", "auth-url", "ws-url", "stalled-sockets", "stalled-connect", "scenario", "batch", "http-floor", "report-dir", "set", "warmup" };
        if (map.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown) throw new ArgumentException($"Unknown option --{unknown}.");
        var url = map.TryGetValue("url", out var u) ? new Uri(u) : null;
        var kafka = map.GetValueOrDefault("kafka");
        if (url is not null && kafka is null) throw new ArgumentException("--url needs --kafka: stored/s is read from that Chat's chat.status topic.");
        var scenario = map.GetValueOrDefault("scenario") ?? (map.ContainsKey("phases") ? "custom" : "default");
        if (scenario == "files") throw new ArgumentException("The files scenario is its own tool: ./loadtest/files.sh --uploads 50 --size-mb 10");
        if (scenario != "custom" && !Scenarios.ContainsKey(scenario))
            throw new ArgumentException($"Unknown scenario '{scenario}': one of {string.Join(", ", Scenarios.Keys)}, files.");
        var batch = Int(map, "batch", 1);
        if (batch is < 1 or > 100) throw new ArgumentException("--batch is 1 to 100 messages per request.");
        return new LoadOptions(url, kafka,
            (map.GetValueOrDefault("phases") ?? Scenarios[scenario]).Split(',').Select(ParsePhase).ToList(),
            Int(map, "connections", 64), Int(map, "conversations", 200), Int(map, "text-bytes", 200), Int(map, "floor", 200_000), Int(map, "sockets", 0),
            map.TryGetValue("auth-url", out var a) ? new Uri(a) : null,
            map.TryGetValue("ws-url", out var w) ? w.Split(',').Select(x => new Uri(x)).ToList() : [], Int(map, "stalled-sockets", 0),
            map.GetValueOrDefault("stalled-connect", "yes") != "no", batch, Int(map, "http-floor", 10), map.GetValueOrDefault("report-dir"), scenario,
            map.TryGetValue("set", out var set) ? set.Split(',').Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length == 2 ? kv[1]
                : throw new ArgumentException($"--set takes Key=Value pairs, comma-separated; got '{string.Join('=', kv)}'.")) : null,
            Int(map, "warmup", 10));
    }

    private static Phase ParsePhase(string text) => text.LastIndexOf('x') is var x and > 0 && (text[..x], text[(x + 1)..]) is var (rate, seconds)
        ? new Phase(rate == "max" ? 0 : int.Parse(rate, CultureInfo.InvariantCulture), int.Parse(seconds, CultureInfo.InvariantCulture))
        : throw new ArgumentException($"A phase is RATExSECONDS, like 1700x30; got '{text}'.");

    private static int Int(Dictionary<string, string> map, string key, int fallback) =>
        map.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
