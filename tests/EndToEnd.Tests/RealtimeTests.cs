using System.Net;
using System.Text.Json.Nodes;
using Chat.Shared.Events;
using Chat.Shared.Kafka;

namespace Chat.EndToEnd.Tests;

public sealed class RealtimeTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ChatServer Server => fixture.Server;

    private async Task<(ApiClient Alice, ApiClient Bob, string Conversation)> PairAsync(string tag)
    {
        var alice = await Server.Client().SignUpAsync("alice" + tag);
        var bob = await Server.Client().SignUpAsync("bob" + tag);
        return (alice, bob, await alice.CreateConversationAsync("direct", bob.Username!));
    }

    private static string Id(JsonNode message) => message["message_id"]!.GetValue<string>();
    private static long Seq(JsonNode message) => message["sequence_number"]!.GetValue<long>();

    private static async Task<string> StatusAsync(ApiClient client, string messageId) =>
        (await client.GetJsonAsync($"/v1/messages/{messageId}/status"))["status"]!.GetValue<string>();

    [Fact]
    public async Task An_online_recipient_gets_the_message_and_an_ack_makes_it_delivered_for_the_sender()
    {
        var (alice, bob, conversation) = await PairAsync("on");
        await using var aliceSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);
        await using var bobSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);

        var id = await alice.SendTextAsync(conversation, "are you there?");
        var received = (await bobSocket.MessagesAsync(1))[0];
        Assert.Equal((id, "are you there?", alice.Username, 1L),
            (Id(received), received["payload"]!["text"]!.GetValue<string>(), received["from"]!.GetValue<string>(), Seq(received)));

        await bobSocket.SendAsync(new { type = "ack", message_id = id });
        await aliceSocket.WaitForAsync(f => ChatSocket.Type(f) == "message.status" && f["message_id"]!.GetValue<string>() == id
                                            && f["status"]!.GetValue<string>() == "delivered", Deadline, "delivered status");

        var status = await alice.GetJsonAsync($"/v1/messages/{id}/status");
        Assert.Equal("delivered", status["status"]!.GetValue<string>());
        Assert.Equal(["accepted", "sent", "delivered"], status["status_history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_offline_recipient_gets_exactly_the_100_messages_on_connect_each_conversation_in_order_then_reads_them()
    {
        var alice = await Server.Client().SignUpAsync("aliceoff");
        var bob = await Server.Client().SignUpAsync("boboff");
        var conversations = new List<string>();
        for (var i = 0; i < 3; i++) conversations.Add(await alice.CreateConversationAsync("group", bob.Username!));
        var sent = new List<string>();
        for (var i = 0; i < 100; i++) sent.Add(await alice.SendTextAsync(conversations[i % 3], $"offline {i}"));
        foreach (var c in conversations)
            await Eventually.UntilAsync(() => alice.HistoryAsync(c), h => h.Count == (c == conversations[0] ? 34 : 33), Deadline, "messages stored");

        await using var bobSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        var received = await bobSocket.MessagesAsync(100);
        await bobSocket.SendAsync(new { type = "ping" });
        await bobSocket.WaitForAsync(f => ChatSocket.Type(f) == "pong", Deadline, "pong");
        Assert.DoesNotContain(bobSocket.Seen.Skip(100), f => ChatSocket.Type(f) == "message.new");

        Assert.Equal(sent.Order(), received.Select(Id).Order());
        foreach (var group in received.GroupBy(m => m["conversation_id"]!.GetValue<string>()))
            Assert.Equal(Enumerable.Range(1, group.Count()).Select(i => (long)i), group.Select(Seq));

        foreach (var group in received.GroupBy(m => m["conversation_id"]!.GetValue<string>()))
            await bobSocket.SendAsync(new { type = "read", conversation_id = group.Key, up_to_seq = group.Max(Seq) });
        foreach (var id in sent)
            await Eventually.UntilAsync(() => StatusAsync(alice, id), s => s == "read", Deadline, $"{id} read");
    }

    [Fact]
    public async Task Two_devices_both_get_every_message_and_one_ack_makes_it_delivered()
    {
        var (alice, bob, conversation) = await PairAsync("two");
        await using var phone = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        await using var laptop = await ChatSocket.ConnectAsync(Server.BaseAddress, bob.AccessToken, tokenInQuery: true);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await alice.SendTextAsync(conversation, $"both {i}"));

        Assert.Equal(ids, (await phone.MessagesAsync(5)).Select(Id));
        Assert.Equal(ids, (await laptop.MessagesAsync(5)).Select(Id));
        await phone.SendAsync(new { type = "ack", message_id = ids[0] });
        await Eventually.UntilAsync(() => StatusAsync(alice, ids[0]), s => s == "delivered", Deadline, "delivered after one device's ack");
        Assert.Equal("sent", await StatusAsync(alice, ids[1]));
    }

    [Fact]
    public async Task A_socket_that_drops_mid_stream_and_reconnects_with_sync_ends_with_every_message_once()
    {
        var (alice, bob, conversation) = await PairAsync("drop");
        var first = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        var sent = new List<string>();
        for (var i = 0; i < 10; i++) sent.Add(await alice.SendTextAsync(conversation, $"drop {i}"));
        var before = await first.MessagesAsync(10);
        foreach (var m in before.Take(5)) await first.SendAsync(new { type = "ack", message_id = Id(m) });
        first.Abort();
        await first.DisposeAsync();
        for (var i = 10; i < 30; i++) sent.Add(await alice.SendTextAsync(conversation, $"drop {i}"));
        await Eventually.UntilAsync(() => alice.HistoryAsync(conversation), h => h.Count == 30, Deadline, "30 stored");

        await using var second = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        await second.SendAsync(new { type = "sync", conversation_id = conversation, after_seq = Seq(before[^1]) });
        await second.WaitForAsync(f => ChatSocket.Type(f) == "sync.done", Deadline, "sync.done");
        var after = second.Seen.Where(f => ChatSocket.Type(f) == "message.new").Select(f => f["message"]!).ToList();

        Assert.Equal(after.Count, after.Select(Id).Distinct().Count());
        Assert.Equal(after.Select(Seq).Order(), after.Select(Seq));
        Assert.Equal(sent.Order(), before.Concat(after).Select(Id).Distinct().Order());
        Assert.All(sent.Skip(10), id => Assert.Contains(id, after.Select(Id)));
    }

    [Fact]
    public async Task Bad_frames_get_an_error_frame_change_nothing_and_the_socket_survives()
    {
        var (alice, bob, conversation) = await PairAsync("bad");
        var carol = await Server.Client().SignUpAsync("carolbad");
        var elsewhere = await alice.CreateConversationAsync("direct", carol.Username!);
        var toCarol = await alice.SendTextAsync(elsewhere, "for carol only");
        var toBob = await alice.SendTextAsync(conversation, "for bob");
        await using var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        await socket.MessagesAsync(1);

        async Task ExpectError(Func<Task> send, string code)
        {
            await send();
            var error = await socket.WaitForAsync(f => ChatSocket.Type(f) == "error", Deadline, $"error {code}");
            Assert.Equal(code, error["code"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(error["detail"]!.GetValue<string>()));
        }

        await ExpectError(() => socket.SendRawAsync("this is not json"), "bad_frame");
        await ExpectError(() => socket.SendRawAsync("[1,2,3]"), "bad_frame");
        await ExpectError(() => socket.SendAsync(new { type = "dance" }), "unknown_type");
        await ExpectError(() => socket.SendAsync(new { type = "ack" }), "bad_frame");
        await ExpectError(() => socket.SendAsync(new { type = "ack", message_id = toCarol }), "not_found");
        await ExpectError(() => socket.SendAsync(new { type = "read", conversation_id = elsewhere, up_to_seq = 1 }), "forbidden");
        await ExpectError(() => socket.SendAsync(new { type = "read", conversation_id = conversation, up_to_seq = "all" }), "bad_frame");
        await ExpectError(() => socket.SendAsync(new { type = "typing", conversation_id = elsewhere, state = "start" }), "forbidden");
        await ExpectError(() => socket.SendAsync(new { type = "sync", conversation_id = elsewhere }), "forbidden");
        await ExpectError(() => socket.SendRawAsync("{\"type\":\"ping\",\"pad\":\"" + new string('x', 1 << 20) + "\"}"), "frame_too_large");

        await socket.SendAsync(new { type = "ping" });
        await socket.WaitForAsync(f => ChatSocket.Type(f) == "pong", Deadline, "pong after the bad frames");
        Assert.Equal("sent", await StatusAsync(alice, toCarol));
        Assert.Equal("sent", await StatusAsync(alice, toBob));
    }

    [Fact]
    public async Task A_missing_garbage_or_expired_token_cannot_open_a_socket()
    {
        var user = await Server.Client().SignUpAsync("tokenless");
        Assert.Equal(401, (await Assert.ThrowsAsync<WebSocketRefusedException>(() => ChatSocket.ConnectAsync(Server.BaseAddress, (string?)null))).Status);
        Assert.Equal(401, (await Assert.ThrowsAsync<WebSocketRefusedException>(() => ChatSocket.ConnectAsync(Server.BaseAddress, "garbage"))).Status);
        Assert.Equal(401, (await Assert.ThrowsAsync<WebSocketRefusedException>(
            () => ChatSocket.ConnectAsync(Server.BaseAddress, TokenForge.SignedByServer(Server, user.Username!, expired: true)))).Status);
        Assert.Equal(401, (await Assert.ThrowsAsync<WebSocketRefusedException>(
            () => ChatSocket.ConnectAsync(Server.BaseAddress, TokenForge.SignedByServer(Server, user.Username!, expired: true), tokenInQuery: true))).Status);

        // The same key and claims, not expired, are let in: the refusals above were for expiry alone.
        await using var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, TokenForge.SignedByServer(Server, user.Username!));
        await socket.SendAsync(new { type = "ping" });
        await socket.WaitForAsync(f => ChatSocket.Type(f) == "pong", Deadline, "pong");
        using var plain = new HttpClient { BaseAddress = Server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync("/v1/ws")).StatusCode);
    }

    [Fact]
    public async Task Typing_is_relayed_to_the_other_member_and_peers_see_presence_come_and_go()
    {
        var (alice, bob, conversation) = await PairAsync("typ");
        await using var aliceSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);
        var bobSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        await aliceSocket.WaitForAsync(f => ChatSocket.Type(f) == "presence.update" && f["username"]!.GetValue<string>() == bob.Username
                                            && f["status"]!.GetValue<string>() == "online", Deadline, "bob online");
        Assert.Equal("online", (await alice.GetJsonAsync($"/v1/presence/{bob.Username}"))["status"]!.GetValue<string>());

        await bobSocket.SendAsync(new { type = "typing", conversation_id = conversation, state = "start" });
        var typing = await aliceSocket.WaitForAsync(f => ChatSocket.Type(f) == "typing", Deadline, "typing");
        Assert.Equal((conversation, bob.Username, "start"),
            (typing["conversation_id"]!.GetValue<string>(), typing["username"]!.GetValue<string>(), typing["state"]!.GetValue<string>()));

        await bobSocket.DisposeAsync();
        await aliceSocket.WaitForAsync(f => ChatSocket.Type(f) == "presence.update" && f["username"]!.GetValue<string>() == bob.Username
                                            && f["status"]!.GetValue<string>() == "offline", Deadline, "bob offline");
        var events = await Eventually.UntilAsync(
            () => Task.FromResult(KafkaProbe.ReadAll(Server.BootstrapServers, Topics.Presence).Where(r => r.Message.Key == bob.Username)
                .Select(r => PresenceEvent.Parser.ParseFrom(r.Message.Value).Status).ToList()),
            e => e.Count >= 2, Deadline, "bob's presence events");
        Assert.Equal(["online", "offline"], events);
    }
}
