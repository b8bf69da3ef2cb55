using System.Text.Json;

namespace Chat.EndToEnd.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task With_Logging_Format_json_a_service_writes_one_JSON_object_per_line()
    {
        await using var broker = await ServiceProcess.StartAsync("Host", new Dictionary<string, string?>
        {
            ["Chat__Role"] = "broker", ["Logging__Format"] = "json", ["Logging__LogLevel__Default"] = "Information",
        }, "json-logging broker");

        var lines = await Eventually.UntilAsync(() => Task.FromResult(broker.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)),
            l => l.Any(x => x.Contains("Embedded Kafka-protocol broker")), TimeSpan.FromSeconds(30), "the broker's start-up line");
        Assert.All(lines, line =>
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("Category", out _), line);
            Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
        });
    }

    [Fact]
    public async Task A_request_logs_its_trace_and_span_ids_and_the_message_id_at_the_level_set_for_its_category()
    {
        using var data = new TempDirectory();
        await using var host = await ServiceProcess.StartAsync("Host", new Dictionary<string, string?>
        {
            ["Chat__DataDir"] = data.Path, ["Logging__Format"] = "json", ["Logging__LogLevel__Default"] = "Warning", ["Logging__LogLevel__Chat.Frontend"] = "Debug",
        }, "json-logging host");
        var alice = await new ApiClient(new HttpClient { BaseAddress = host.Address }).SignUpAsync("logged");
        await new ApiClient(new HttpClient { BaseAddress = host.Address }).SignUpAsync("logread");
        var conversation = await alice.CreateConversationAsync("direct", "logread");
        var id = await alice.SendTextAsync(conversation, "log me");

        var line = await Eventually.UntilAsync(() => Task.FromResult(host.Output.Split('\n').FirstOrDefault(l => l.Contains(id))),
            l => l is not null, TimeSpan.FromSeconds(30), "the accepted line");
        using var entry = JsonDocument.Parse(line!);
        Assert.Equal("Debug", entry.RootElement.GetProperty("LogLevel").GetString());
        Assert.Equal(id, entry.RootElement.GetProperty("State").GetProperty("MessageId").GetString());
        var scopes = entry.RootElement.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("TraceId", out var t) && t.GetString()!.Length == 32);
        Assert.Contains(scopes, s => s.TryGetProperty("SpanId", out var t) && t.GetString()!.Length == 16);
        // Other categories stay at Warning: no line from ASP.NET's request logging.
        Assert.DoesNotContain(host.Output.Split('\n'), l => l.Contains("Microsoft.AspNetCore.Hosting.Diagnostics"));
    }
}
