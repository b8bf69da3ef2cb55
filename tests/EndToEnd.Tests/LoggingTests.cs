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
}
