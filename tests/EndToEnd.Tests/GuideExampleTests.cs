using System.Text.Json;
using System.Text.RegularExpressions;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Every example of docs/api-guide.md runs against a Host: the blocks tagged <c>example</c> with
/// bash, python3 and node, each with a fresh user (and conversation, and a real webhook delivery)
/// in its environment; the C# blocks are <see cref="GuideExamples"/>, called here.
/// </summary>
[Collection(DocsHostCollection.Name)]
public sealed partial class GuideExampleTests(DocsHostFixture host)
{
    private static readonly string Guide = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "api-guide.md"));
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly SemaphoreSlim DeliveryOnce = new(1, 1);
    private static Dictionary<string, string>? _delivery;

    private static List<(string Language, string Code)> Examples() =>
        ExampleBlock().Matches(Guide).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

    public static TheoryData<int, string> ExampleIndexes()
    {
        var data = new TheoryData<int, string>();
        var examples = Examples();
        for (var i = 0; i < examples.Count; i++) data.Add(i, $"{examples[i].Language}: {examples[i].Code.Split('\n')[0]}");
        return data;
    }

    [Fact]
    public void The_guide_has_examples_in_every_language_it_promises()
    {
        Assert.Equal(["bash", "javascript", "python"], Examples().Select(e => e.Language).Distinct().Order());
        Assert.True(CsharpBlock().Matches(Guide).Count >= 4);
    }

    [Theory]
    [MemberData(nameof(ExampleIndexes))]
    public async Task Example_runs_against_the_Host(int index, string title)
    {
        var (language, code) = Examples()[index];
        var environment = await EnvironmentForAsync(code);
        var (exit, output) = await RunAsync(language, code, environment);
        Assert.True(exit == 0, $"{title}\nexited {exit}:\n{output}");

        if (code.Contains("WEBHOOK_SIGNATURE", StringComparison.Ordinal))
        {
            // A verifier must also refuse: the same delivery with its body changed.
            environment["WEBHOOK_BODY"] = environment["WEBHOOK_BODY"].Replace("\"sent\"", "\"read\"", StringComparison.Ordinal);
            Assert.NotEqual(0, (await RunAsync(language, code, environment)).Code);
        }
    }

    [Fact]
    public async Task The_CSharp_examples_are_GuideExamples_and_they_work()
    {
        var compiled = Normalize(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "EndToEnd.Tests", "GuideExamples.cs")).Replace("public static ", "static "));
        foreach (Match block in CsharpBlock().Matches(Guide))
            Assert.True(compiled.Contains(Normalize(block.Groups[1].Value), StringComparison.Ordinal),
                $"This C# example of docs/api-guide.md is not in GuideExamples.cs as written:\n{block.Groups[1].Value}");

        var environment = await EnvironmentForAsync("");
        using var http = new HttpClient { BaseAddress = host.Server.BaseAddress };
        var token = await GuideExamples.LogInAsync(http, environment["USERNAME"], environment["PASSWORD"]);
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal("sent", await GuideExamples.SendAsync(http, environment["CONVERSATION_ID"], environment["USERNAME"], "hello from C#"));

        var friend = await new ApiClient(new HttpClient { BaseAddress = host.Server.BaseAddress }).SignInAsync(environment["FRIEND"], ApiClient.Password);
        using var cancel = new CancellationTokenSource(Deadline);
        var received = await GuideExamples.ReceiveOneAsync(host.Server.BaseAddress, friend.AccessToken!, cancel.Token);
        Assert.Equal("hello from C#", received.GetProperty("payload").GetProperty("text").GetString());

        var d = await DeliveryAsync();
        Assert.True(GuideExamples.Verify(d["WEBHOOK_SECRET"], d["WEBHOOK_ID"], d["WEBHOOK_TIMESTAMP"], d["WEBHOOK_BODY"], d["WEBHOOK_SIGNATURE"]));
        Assert.False(GuideExamples.Verify(d["WEBHOOK_SECRET"], d["WEBHOOK_ID"], d["WEBHOOK_TIMESTAMP"], d["WEBHOOK_BODY"] + " ", d["WEBHOOK_SIGNATURE"]));
    }

    /// <summary>What the guide's table of variables promises: a fresh user (registered unless the example registers it), a friend, a conversation.</summary>
    private async Task<Dictionary<string, string>> EnvironmentForAsync(string code)
    {
        var name = $"guide{Guid.NewGuid():N}"[..20];
        var environment = new Dictionary<string, string>
        {
            ["CHAT_URL"] = host.Url, ["USERNAME"] = name, ["PASSWORD"] = ApiClient.Password,
        };
        if (code.Contains("/v1/auth/register", StringComparison.Ordinal)) return environment;

        var user = await host.Server.Client().SignUpAsync(name);
        var friend = await host.Server.Client().SignUpAsync($"friend{Guid.NewGuid():N}"[..20]);
        environment["TOKEN"] = user.AccessToken!;
        environment["FRIEND"] = friend.Username!;
        environment["CONVERSATION_ID"] = await user.CreateConversationAsync("direct", friend.Username!);
        // Registering checks the address, not that it answers: nothing listens here.
        environment["WEBHOOK_URL"] = "http://127.0.0.1:9/hook";
        if (code.Contains("WEBHOOK_SIGNATURE", StringComparison.Ordinal))
            foreach (var (key, value) in await DeliveryAsync()) environment[key] = value;
        return environment;
    }

    /// <summary>One real delivery (made once): a webhook on a receiver, a message, its signed "sent" event.</summary>
    private async Task<Dictionary<string, string>> DeliveryAsync()
    {
        await DeliveryOnce.WaitAsync();
        try
        {
            if (_delivery is not null) return _delivery;
            await using var receiver = await WebhookReceiver.StartAsync();
            var user = await host.Server.Client().SignUpAsync($"hook{Guid.NewGuid():N}"[..20]);
            var friend = await host.Server.Client().SignUpAsync($"hookf{Guid.NewGuid():N}"[..20]);
            var created = await ApiClient.ExpectAsync(await user.PostJsonAsync("/v1/webhooks", new { url = receiver.Url, events = new[] { "message.status" } }),
                System.Net.HttpStatusCode.Created);
            await user.SendTextAsync(await user.CreateConversationAsync("direct", friend.Username!), "hook me");
            var delivery = await Eventually.UntilAsync(() => Task.FromResult(receiver.Deliveries.FirstOrDefault(r => r.Body.Contains("\"sent\"", StringComparison.Ordinal))),
                r => r is not null, Deadline, "a signed 'sent' delivery");
            return _delivery = new()
            {
                ["WEBHOOK_SECRET"] = created["secret"]!.GetValue<string>(), ["WEBHOOK_ID"] = delivery!.Id,
                ["WEBHOOK_TIMESTAMP"] = delivery.Timestamp, ["WEBHOOK_SIGNATURE"] = delivery.Signature, ["WEBHOOK_BODY"] = delivery.Body,
            };
        }
        finally
        {
            DeliveryOnce.Release();
        }
    }

    private static Task<(int Code, string Output)> RunAsync(string language, string code, Dictionary<string, string> environment) => language switch
    {
        "bash" => Script.RunAsync("bash", ["-euo", "pipefail", "-c", code], environment, Deadline),
        "python" => Script.RunAsync("python3", ["-c", code], environment, Deadline),
        "javascript" => Script.RunAsync("node", ["--input-type=module", "-e", code], environment, Deadline),
        _ => throw new InvalidOperationException($"no runner for {language}"),
    };

    private static string Normalize(string code) => string.Join("\n", code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex(@"^```(\w+) example\n(.*?)^```$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex ExampleBlock();

    [GeneratedRegex(@"^```csharp\n(.*?)^```$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CsharpBlock();
}
