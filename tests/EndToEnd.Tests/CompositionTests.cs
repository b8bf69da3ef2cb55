using System.Net;

namespace Chat.EndToEnd.Tests;

/// <summary>Each service composes what it needs and nothing more, and refuses a bad setting before it starts.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task Auth_alone_is_ready_and_issues_tokens_with_no_Kafka_reachable()
    {
        using var data = new TempDirectory();
        await using var auth = await ServiceProcess.StartAsync("Auth", new Dictionary<string, string?>
        {
            ["Chat__DataDir"] = data.Path,
            // A port nothing listens on: a service that needed a broker would not be ready.
            ["Kafka__BootstrapServers"] = $"127.0.0.1:{ServiceProcess.FreePort()}",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        using var http = new HttpClient { BaseAddress = auth.Address };

        var ready = await http.GetAsync("/health/ready");
        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"/health/ready answered {ready.StatusCode}: {await ready.Content.ReadAsStringAsync()}");
        var alice = await new ApiClient(new HttpClient { BaseAddress = auth.Address }).SignUpAsync("nokafka");
        Assert.False(string.IsNullOrEmpty(alice.AccessToken));
    }

    [Theory]
    [InlineData("Webhooks__RetrySchedule", "soon", "Webhooks:RetrySchedule")]
    [InlineData("Connectors__WhatsApp__FailureRate", "2", "Connectors:WhatsApp:FailureRate")]
    [InlineData("Webhooks__Timeout", "soon", "Webhooks:Timeout")]
    public async Task A_bad_setting_stops_the_Host_at_start_with_one_line_naming_the_key(string variable, string value, string key)
    {
        using var data = new TempDirectory();
        var (exitCode, output) = await ServiceProcess.RunToExitAsync("Host", new Dictionary<string, string?>
        {
            ["Chat__DataDir"] = data.Path, [variable] = value, ["Logging__LogLevel__Default"] = "Warning",
        }, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        var lines = output.Where(l => l.Trim().Length > 0).ToList();
        Assert.True(lines.Count == 1, $"one line, not a log or a stack trace; got:\n{string.Join('\n', lines)}");
        Assert.Contains(key, lines[0]);
        Assert.Contains($"'{value}'", lines[0]);
        Assert.DoesNotContain("   at ", lines[0]);
    }

    [Fact]
    public async Task Two_Hosts_in_one_process_each_report_only_their_own_metrics()
    {
        await using var first = await ChatServer.StartAsync();
        await using var second = await ChatServer.StartAsync();
        var alice = await first.Client().SignUpAsync("meteredone");
        await first.Client().SignUpAsync("meteredtwo");
        await alice.SendTextAsync(await alice.CreateConversationAsync("direct", "meteredtwo"), "counted by the first Host only");

        using var anonymous = new HttpClient();
        var mine = await Eventually.UntilAsync(() => anonymous.GetStringAsync(new Uri(first.BaseAddress, "/metrics")),
            m => PrometheusText.Sum(m, "chat_router_messages_total", "outcome=\"stored\"") >= 1, TimeSpan.FromSeconds(30), "the first Host to store the message");
        // The second Host's own instruments are exported (its health checks publish a couple of seconds after start)...
        var theirs = await Eventually.UntilAsync(() => anonymous.GetStringAsync(new Uri(second.BaseAddress, "/metrics")),
            m => m.Contains("chat_health_status{", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the second Host's health gauge");

        // ...but not the first Host's counts; and the first counts its own message only, not those of Hosts beside it.
        Assert.Equal(1, PrometheusText.Sum(mine, "chat_messages_accepted_total"));
        Assert.Equal(0, PrometheusText.Sum(theirs, "chat_messages_accepted_total"));
        Assert.Equal(0, PrometheusText.Sum(theirs, "chat_router_messages_total"));
    }
}
