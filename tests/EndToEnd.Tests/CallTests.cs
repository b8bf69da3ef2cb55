using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

public sealed class CallFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public const string TurnSecret = "turn-shared-secret-for-tests";

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Calls:RingTimeout"] = "00:00:01", // shortened from 45 s: the missed-call test waits this long
        ["Calls:TurnSecret"] = TurnSecret,
        ["Calls:TurnUris:0"] = "turn:turn.example.com:3478?transport=udp",
        ["Calls:TurnCredentialLifetime"] = "00:10:00",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 21: calls ring, are answered and ended over REST and the sockets; signaling is relayed between participants only.</summary>
public sealed class CallTests(CallFixture fixture) : IClassFixture<CallFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private ChatServer Server => fixture.Server;

    private static Task<JsonNode> FrameAsync(ChatSocket socket, string type, string callId) =>
        socket.WaitForAsync(f => ChatSocket.Type(f) == type && (f["call"]?["call_id"] ?? f["call_id"])!.GetValue<string>() == callId, Deadline, type);

    /// <summary>The conversation's call system messages, once there are <paramref name="count"/>.</summary>
    private static Task<List<JsonNode>> CallMessagesAsync(ApiClient reader, string conversation, int count) =>
        Eventually.UntilAsync(async () => (await reader.HistoryAsync(conversation)).Where(m => m["payload"]?["event"]?.GetValue<string>() == "call.ended").ToList(),
            s => s.Count == count, Deadline, $"{count} call.ended system messages");

    private static async Task<JsonNode> PostAsync(ApiClient user, string path, object? body = null, HttpStatusCode expected = HttpStatusCode.OK) =>
        await ApiClient.ExpectAsync(await user.PostJsonAsync(path, body ?? new { }), expected);

    [Fact]
    public async Task A_call_rings_is_answered_relays_signals_both_ways_only_between_participants_ends_and_is_in_history()
    {
        var alice = await Server.Client().SignUpAsync("alicecall");
        var bob = await Server.Client().SignUpAsync("bobcall");
        var mallory = await Server.Client().SignUpAsync("mallorycall");
        var conversation = await alice.CreateConversationAsync("direct", "bobcall");
        await using var aliceSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);
        await using var bobSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        await using var mallorySocket = await ChatSocket.ConnectAsync(Server.BaseAddress, mallory);

        var started = await PostAsync(alice, "/v1/calls", new { conversation_id = conversation, media = "video" }, HttpStatusCode.Created);
        var callId = started["call_id"]!.GetValue<string>();
        Assert.Equal("ringing", (await FrameAsync(bobSocket, "call.incoming", callId))["call"]!["state"]!.GetValue<string>());

        await PostAsync(bob, $"/v1/calls/{callId}/answer");
        var answered = await FrameAsync(aliceSocket, "call.answered", callId);
        Assert.Equal(("active", "bobcall"), (answered["call"]!["state"]!.GetValue<string>(), answered["username"]!.GetValue<string>()));

        await aliceSocket.SendAsync(new { type = "call.signal", call_id = callId, to = "bobcall", data = new { sdp = "v=0 offer" } });
        var offer = await FrameAsync(bobSocket, "call.signal", callId);
        Assert.Equal(("alicecall", "v=0 offer"), (offer["from"]!.GetValue<string>(), offer["data"]!["sdp"]!.GetValue<string>()));
        await bobSocket.SendAsync(new { type = "call.signal", call_id = callId, to = "alicecall", data = new { sdp = "v=0 answer" } });
        await bobSocket.SendAsync(new { type = "call.signal", call_id = callId, to = "alicecall", data = new { candidate = "candidate:1 1 udp 2122260223 10.0.0.2 54400 typ host" } });
        Assert.Equal("v=0 answer", (await FrameAsync(aliceSocket, "call.signal", callId))["data"]!["sdp"]!.GetValue<string>());
        await aliceSocket.WaitForAsync(f => ChatSocket.Type(f) == "call.signal" && f["data"]!["candidate"] is not null, Deadline, "the ICE candidate");

        // Mallory is no participant: refused, and nothing reaches Alice.
        await mallorySocket.SendAsync(new { type = "call.signal", call_id = callId, to = "alicecall", data = new { sdp = "v=0 intruder" } });
        var refused = await mallorySocket.WaitForAsync(f => ChatSocket.Type(f) == "error", Deadline, "the refusal");
        Assert.Equal("forbidden", refused["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.PostJsonAsync($"/v1/calls/{callId}/end", new { })).StatusCode);

        await PostAsync(alice, $"/v1/calls/{callId}/end");
        var ended = (await FrameAsync(bobSocket, "call.ended", callId))["call"]!;
        Assert.Equal("completed", ended["outcome"]!.GetValue<string>());
        Assert.DoesNotContain(aliceSocket.Seen, f => f["data"]?["sdp"]?.GetValue<string>() == "v=0 intruder");

        var history = (await bob.GetJsonAsync("/v1/calls"))["items"]!.AsArray().Single()!;
        Assert.Equal((callId, "completed", "video"), (history["call_id"]!.GetValue<string>(), history["outcome"]!.GetValue<string>(), history["media"]!.GetValue<string>()));
        Assert.NotNull(history["answered_at"]);
        Assert.True(history["duration_seconds"]!.GetValue<double>() >= 0);
        Assert.Empty((await mallory.GetJsonAsync("/v1/calls"))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.Conflict, (await bob.PostJsonAsync($"/v1/calls/{callId}/answer", new { })).StatusCode);
    }

    [Fact]
    public async Task A_call_leaves_one_system_message_that_agrees_with_its_history_even_when_its_end_is_retried()
    {
        var alice = await Server.Client().SignUpAsync("alicecallmsg");
        var bob = await Server.Client().SignUpAsync("bobcallmsg");
        var conversation = await alice.CreateConversationAsync("direct", "bobcallmsg");
        await using var aliceSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);
        await using var bobSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);

        var callId = (await PostAsync(alice, "/v1/calls", new { conversation_id = conversation, media = "audio" }, HttpStatusCode.Created))["call_id"]!.GetValue<string>();
        await FrameAsync(bobSocket, "call.incoming", callId);
        await PostAsync(bob, $"/v1/calls/{callId}/answer");
        await FrameAsync(aliceSocket, "call.answered", callId);
        await aliceSocket.SendAsync(new { type = "call.signal", call_id = callId, to = "bobcallmsg", data = new { sdp = "v=0 offer" } });
        await FrameAsync(bobSocket, "call.signal", callId);
        await bobSocket.SendAsync(new { type = "call.signal", call_id = callId, to = "alicecallmsg", data = new { sdp = "v=0 answer" } });
        await FrameAsync(aliceSocket, "call.signal", callId);
        await PostAsync(bob, $"/v1/calls/{callId}/end");

        var system = Assert.Single(await CallMessagesAsync(alice, conversation, 1));
        var pushed = await bobSocket.WaitForAsync(f => ChatSocket.Type(f) == "message.new" && f["message"]!["payload"]?["event"]?.GetValue<string>() == "call.ended",
            Deadline, "the call's system message on bob's socket");
        Assert.Equal(system["message_id"]!.GetValue<string>(), pushed["message"]!["message_id"]!.GetValue<string>());
        Assert.Equal(("system", "alicecallmsg", "alicecallmsg"),
            (system["payload"]!["type"]!.GetValue<string>(), system["payload"]!["actor"]!.GetValue<string>(), system["from"]!.GetValue<string>()));
        var recorded = system["payload"]!["call"]!;
        var history = (await alice.GetJsonAsync("/v1/calls"))["items"]!.AsArray().Single()!;
        foreach (var field in new[] { "call_id", "media", "outcome", "participants", "joined" })
            Assert.True(JsonNode.DeepEquals(history[field], recorded[field]), $"{field}: history {history[field]?.ToJsonString()}, system message {recorded[field]?.ToJsonString()}");
        foreach (var field in new[] { "started_at", "answered_at", "ended_at" })
            Assert.Equal(history[field]!.GetValue<DateTimeOffset>(), recorded[field]!.GetValue<DateTimeOffset>());
        Assert.Equal(history["duration_seconds"]!.GetValue<double>(), recorded["duration_seconds"]!.GetValue<double>(), 3);
        Assert.Equal((callId, "completed", "audio"), (recorded["call_id"]!.GetValue<string>(), recorded["outcome"]!.GetValue<string>(), recorded["media"]!.GetValue<string>()));
        Assert.Equal(["alicecallmsg", "bobcallmsg"], recorded["participants"]!.AsArray().Select(p => p!.GetValue<string>()).Order());
        Assert.Equal(["alicecallmsg", "bobcallmsg"], recorded["joined"]!.AsArray().Select(p => p!.GetValue<string>()).Order());
        var duration = recorded["duration_seconds"]!.GetValue<double>();
        Assert.Equal((recorded["ended_at"]!.GetValue<DateTimeOffset>() - recorded["answered_at"]!.GetValue<DateTimeOffset>()).TotalSeconds, duration, 3);
        Assert.InRange(duration, 0, Deadline.TotalSeconds * 4);

        // A retried end (its answer lost, say) publishes the call again; the Router stores it once. A message sent
        // after it, in the same partition, is stored after the republished event was handled.
        Assert.Equal(HttpStatusCode.Conflict, (await alice.PostJsonAsync($"/v1/calls/{callId}/end", new { })).StatusCode);
        var after = await alice.SendTextAsync(conversation, "thanks for the call");
        await Eventually.UntilAsync(() => bob.HistoryAsync(conversation), h => h.Any(m => m["message_id"]!.GetValue<string>() == after), Deadline, "the message after the retried end");
        Assert.Single(await CallMessagesAsync(bob, conversation, 1));
    }

    [Fact]
    public async Task An_unanswered_call_ends_missed_after_the_ring_timeout()
    {
        var alice = await Server.Client().SignUpAsync("alicemissed");
        await Server.Client().SignUpAsync("bobmissed");
        var conversation = await alice.CreateConversationAsync("direct", "bobmissed");
        await using var aliceSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);

        var callId = (await PostAsync(alice, "/v1/calls", new { conversation_id = conversation, media = "audio" }, HttpStatusCode.Created))["call_id"]!.GetValue<string>();

        var ended = (await FrameAsync(aliceSocket, "call.ended", callId))["call"]!;
        Assert.Equal("missed", ended["outcome"]!.GetValue<string>());
        Assert.Null(ended["answered_at"]);
        Assert.Equal("missed", (await alice.GetJsonAsync("/v1/calls"))["items"]![0]!["outcome"]!.GetValue<string>());

        var recorded = Assert.Single(await CallMessagesAsync(alice, conversation, 1))["payload"]!["call"]!;
        Assert.Equal((callId, "missed", "audio"), (recorded["call_id"]!.GetValue<string>(), recorded["outcome"]!.GetValue<string>(), recorded["media"]!.GetValue<string>()));
        Assert.Null(recorded["answered_at"]);
        Assert.Null(recorded["duration_seconds"]);
        Assert.Equal(["alicemissed"], recorded["joined"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public async Task Turn_credentials_verify_with_the_shared_secret_and_expire_when_they_say()
    {
        var alice = await Server.Client().SignUpAsync("aliceturn");
        var before = DateTimeOffset.UtcNow;

        var credentials = await PostAsync(alice, "/v1/calls/turn-credentials");

        var username = credentials["username"]!.GetValue<string>();
        var expiry = DateTimeOffset.FromUnixTimeSeconds(long.Parse(username.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("aliceturn", username.Split(':')[1]);
        Assert.Equal(Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(CallFixture.TurnSecret), Encoding.UTF8.GetBytes(username))),
            credentials["password"]!.GetValue<string>());
        Assert.InRange(expiry, before.AddMinutes(10).AddSeconds(-2), DateTimeOffset.UtcNow.AddMinutes(10).AddSeconds(1));
        Assert.Equal(expiry, credentials["expires_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(600, credentials["ttl"]!.GetValue<int>());
        Assert.Equal(["turn:turn.example.com:3478?transport=udp"], credentials["uris"]!.AsArray().Select(u => u!.GetValue<string>()));
    }
}
