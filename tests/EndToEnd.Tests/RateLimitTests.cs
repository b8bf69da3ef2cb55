using System.Net;
using System.Net.Http.Headers;
using Chat.Shared.Http;
using Chat.Shared.RateLimits;

namespace Chat.EndToEnd.Tests;

/// <summary>A Host with the seeded per-person limits (the test harness raises them for every other test).</summary>
public sealed class LimitsFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> Seeded = new()
    {
        ["Limits:SendPerMinute"] = new LimitsOptions().SendPerMinute.ToString(),
        ["Limits:ConversationsPerMinute"] = new LimitsOptions().ConversationsPerMinute.ToString(),
        ["Limits:SocketFramesPerMinute"] = "5",
        ["Auth:Admins:0"] = "limitroot",
    };

    public ChatServer Server { get; private set; } = null!;
    public ApiClient Root { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ChatServer.StartAsync(Seeded);
        Root = await Server.Client().SignUpAsync("limitroot");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class RateLimitTests(LimitsFixture fixture) : IClassFixture<LimitsFixture>
{
    private ChatServer Server => fixture.Server;

    private static Task<HttpResponseMessage> SendAsync(ApiClient client, string conversation, string from, string text) =>
        client.PostJsonAsync("/v1/messages", new { conversation_id = conversation, from, payload = new { type = "text", text } });

    [Fact]
    public async Task The_31st_send_in_a_minute_by_one_person_is_429_with_Retry_After_and_the_RateLimit_headers()
    {
        Assert.Equal((30, 10, 60_000), (new LimitsOptions().SendPerMinute, new LimitsOptions().ConversationsPerMinute, new LimitsOptions().ClientSendPerMinute));
        var alice = await Server.Client().SignUpAsync("rlalice");
        var bob = await Server.Client().SignUpAsync("rlbob");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        // A refused send (not a member) is not accepted, so it does not count.
        var refused = await SendAsync(alice, "no-such-conversation", alice.Username!, "x");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        for (var i = 1; i <= 30; i++) await alice.SendTextAsync(conversation, $"message {i}");

        var limited = await SendAsync(alice, conversation, alice.Username!, "the 31st");
        var body = await ApiClient.ExpectAsync(limited, HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")));
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("30", Assert.Single(limited.Headers.GetValues("RateLimit-Limit")));
        Assert.Equal("0", Assert.Single(limited.Headers.GetValues("RateLimit-Remaining")));
        Assert.Equal(retryAfter.ToString(), Assert.Single(limited.Headers.GetValues("RateLimit-Reset")));
        Assert.Equal("Limits:SendPerMinute", body["limit"]!.GetValue<string>());
        Assert.Equal("from", Assert.Single(body["errors"]!.AsObject()).Key);

        // Another person is not affected.
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(bob, conversation, bob.Username!, "still fine")).StatusCode);
    }

    [Fact]
    public async Task An_integrator_sending_1000_a_minute_for_one_person_is_not_held_to_that_persons_limit()
    {
        var carol = await Server.Client().SignUpAsync("rlcarol");
        var dave = await Server.Client().SignUpAsync("rldave");
        var conversation = await carol.CreateConversationAsync("direct", dave.Username!);
        for (var i = 1; i <= 30; i++) await carol.SendTextAsync(conversation, $"own {i}");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(carol, conversation, carol.Username!, "one too many")).StatusCode);

        var created = await ApiClient.ExpectAsync(await fixture.Root.PostJsonAsync("/v1/admin/clients",
            new { name = "CRM", scopes = new[] { Scopes.MessagesSend }, act_as = new[] { carol.Username } }), HttpStatusCode.Created);
        var integrator = Server.Client();
        var token = await ApiClient.ExpectAsync(await integrator.PostJsonAsync("/v1/auth/token", new
        {
            grant_type = "client_credentials", client_id = created["client_id"]!.GetValue<string>(), client_secret = created["client_secret"]!.GetValue<string>(),
        }), HttpStatusCode.OK);
        integrator.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["access_token"]!.GetValue<string>());

        var statuses = new List<HttpStatusCode>();
        for (var batch = 0; batch < 100; batch++)
            statuses.AddRange((await Task.WhenAll(Enumerable.Range(0, 10).Select(i => SendAsync(integrator, conversation, carol.Username!, $"crm {batch}.{i}"))))
                .Select(r => r.StatusCode));
        Assert.Equal(1000, statuses.Count(s => s == HttpStatusCode.Accepted));
    }

    [Fact]
    public async Task The_11th_conversation_in_a_minute_is_429_and_typing_beyond_the_frame_limit_gets_rate_limited()
    {
        var erin = await Server.Client().SignUpAsync("rlerin");
        var peers = new List<ApiClient>();
        for (var i = 0; i < 11; i++) peers.Add(await Server.Client().SignUpAsync($"rlpeer{i}"));
        for (var i = 0; i < 10; i++)
        {
            await erin.CreateConversationAsync("direct", peers[i].Username!);
            // Asking again for an existing direct conversation creates nothing, so it costs nothing (else the 10th would fail).
            if (i == 4) await erin.CreateConversationAsync("direct", peers[0].Username!);
        }
        var eleventh = await erin.PostJsonAsync("/v1/conversations", new { type = "direct", members = new[] { peers[10].Username } });
        var body = await ApiClient.ExpectAsync(eleventh, HttpStatusCode.TooManyRequests);
        Assert.Equal("Limits:ConversationsPerMinute", body["limit"]!.GetValue<string>());
        Assert.True(eleventh.Headers.Contains("Retry-After"));

        var conversation = await peers[0].CreateConversationAsync("direct", erin.Username!);
        await using var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, erin);
        for (var i = 0; i < 5; i++) await socket.SendAsync(new { type = "typing", conversation_id = conversation, state = "start" });
        await socket.SendAsync(new { type = "typing", conversation_id = conversation, state = "stop" });
        var error = await socket.WaitForAsync(f => ChatSocket.Type(f) == "error", TimeSpan.FromSeconds(10), "the rate_limited error");
        Assert.Equal("rate_limited", error["code"]!.GetValue<string>());
        // Pings are never limited.
        await socket.SendAsync(new { type = "ping" });
        await socket.WaitForAsync(f => ChatSocket.Type(f) == "pong", TimeSpan.FromSeconds(10), "pong");
    }
}

/// <summary>Two Frontends (here two Hosts, each its own Frontend with its own memory) on one Redis share one person's count.</summary>
public sealed class SharedRateLimitTests
{
    [Fact]
    public async Task Two_Frontends_on_one_Redis_share_one_persons_count()
    {
        var settings = new Dictionary<string, string?>(LimitsFixture.Seeded)
        {
            ["Limits:Kind"] = "redis", ["Redis:Configuration"] = TestServers.Redis,
            ["Redis:KeyPrefix"] = $"chat-limits-{Guid.NewGuid():N}:", // both Hosts, one deployment
        };
        await using var first = await ChatServer.StartAsync(settings);
        await using var second = await ChatServer.StartAsync(settings);
        // The same person on both (each Host has its own accounts; the allowance is by username).
        var name = "sh" + Guid.NewGuid().ToString("N")[..12];
        async Task<(ApiClient Person, string Conversation)> OnAsync(ChatServer server)
        {
            var person = await server.Client().SignUpAsync(name);
            var peer = await server.Client().SignUpAsync(name + "p");
            return (person, await person.CreateConversationAsync("direct", peer.Username!));
        }
        var (a, inA) = await OnAsync(first);
        var (b, inB) = await OnAsync(second);

        for (var i = 0; i < 30; i++) await (i % 2 == 0 ? a.SendTextAsync(inA, $"a {i}") : b.SendTextAsync(inB, $"b {i}"));

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(a, inA, name)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(b, inB, name)).StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(ApiClient client, string conversation, string from) =>
        client.PostJsonAsync("/v1/messages", new { conversation_id = conversation, from, payload = new { type = "text", text = "over" } });
}
