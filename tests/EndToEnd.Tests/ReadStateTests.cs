using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>One Host with an admin, for the epoch repair.</summary>
public sealed class ReadStateServer : IAsyncLifetime
{
    public const string Admin = "rsroot";

    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Auth:Admins:0"] = Admin });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 25, read state done right: mark unread, private read mode, receipt summaries in groups, and conversation epochs.</summary>
public sealed class ReadStateTests(ReadStateServer fixture) : IClassFixture<ReadStateServer>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private ChatServer Server => fixture.Server;

    private static async Task<JsonNode> ItemAsync(ApiClient member, string conversation) =>
        (await member.GetJsonAsync("/v1/conversations"))["items"]!.AsArray().Single(i => i!["conversation_id"]!.GetValue<string>() == conversation)!;

    private static Task<JsonNode> ReadFrameAsync(ChatSocket socket, string conversation, long lastReadSeq) =>
        socket.WaitForAsync(f => ChatSocket.Type(f) == "conversation.read" && f["conversation_id"]!.GetValue<string>() == conversation
                                 && f["last_read_seq"]!.GetValue<long>() == lastReadSeq, Deadline, $"conversation.read at {lastReadSeq}");

    private static Task<JsonNode> StatusAsync(ApiClient reader, string message, Func<JsonNode, bool> until, string what) =>
        Eventually.UntilAsync(() => reader.GetJsonAsync($"/v1/messages/{message}/status"), until, Deadline, what);

    [Fact]
    public async Task Mark_unread_moves_the_cursor_back_and_every_socket_of_the_reader_shows_the_same_badge()
    {
        var alice = await Server.Client().SignUpAsync("mualice");
        var bob = await Server.Client().SignUpAsync("mubob");
        var direct = await alice.CreateConversationAsync("direct", bob.Username!);
        await using var phone = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        await using var laptop = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        foreach (var text in new[] { "one", "two", "three" }) await alice.SendTextAsync(direct, text);
        await Eventually.UntilAsync(() => ItemAsync(bob, direct), i => i["unread_count"]!.GetValue<long>() == 3, Deadline, "three unread");

        await phone.SendAsync(new { type = "read", conversation_id = direct, up_to_seq = 3 });
        Assert.Equal(0, (await ReadFrameAsync(laptop, direct, 3))["unread_count"]!.GetValue<long>());

        var marked = await ApiClient.ExpectAsync(await bob.PostJsonAsync($"/v1/conversations/{direct}/unread", new { from_seq = 2 }), HttpStatusCode.Accepted);
        Assert.Equal(2, marked["from_seq"]!.GetValue<long>());
        foreach (var socket in new[] { phone, laptop }) Assert.Equal(2, (await ReadFrameAsync(socket, direct, 1))["unread_count"]!.GetValue<long>());
        var item = await ItemAsync(bob, direct);
        Assert.Equal((2L, 1L), (item["unread_count"]!.GetValue<long>(), item["last_read_seq"]!.GetValue<long>()));
        Assert.Equal(2, (await bob.GetJsonAsync("/v1/unread"))["total"]!.GetValue<long>());

        // Marking unread never moves the cursor forward (no frame at 2 before the read's at 3); a read still does.
        Assert.Equal(HttpStatusCode.Accepted, (await bob.PostJsonAsync($"/v1/conversations/{direct}/unread", new { from_seq = 4 })).StatusCode);
        await bob.PostJsonAsync($"/v1/conversations/{direct}/read", new { up_to_seq = 3 });
        Assert.Equal(0, (await ReadFrameAsync(laptop, direct, 3))["unread_count"]!.GetValue<long>());
        Assert.DoesNotContain(laptop.Seen, f => ChatSocket.Type(f) == "conversation.read" && f["last_read_seq"]!.GetValue<long>() == 2);
        Assert.Equal(0, (await ItemAsync(bob, direct))["unread_count"]!.GetValue<long>());

        var bad = await ApiClient.ExpectAsync(await bob.PostJsonAsync($"/v1/conversations/{direct}/unread", new { from_seq = 0 }), HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["from_seq"]);
        var outsider = await Server.Client().SignUpAsync("muoutsider");
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostJsonAsync($"/v1/conversations/{direct}/unread", new { from_seq = 1 })).StatusCode);
    }

    [Fact]
    public async Task A_private_reader_clears_their_own_badge_and_sends_no_read_receipt_and_a_group_message_counts_its_receipts()
    {
        var alice = await Server.Client().SignUpAsync("pralice");
        var bob = await Server.Client().SignUpAsync("prbob");
        var carol = await Server.Client().SignUpAsync("prcarol");
        var dave = await Server.Client().SignUpAsync("prdave");
        var group = await alice.CreateConversationAsync("group", bob.Username!, carol.Username!, dave.Username!);
        Assert.False((await bob.GetJsonAsync("/v1/settings/read-receipts"))["private"]!.GetValue<bool>());
        var set = await ApiClient.ExpectAsync(await bob.Http.PutAsJsonAsync("/v1/settings/read-receipts", new { @private = true }), HttpStatusCode.OK);
        Assert.True(set["private"]!.GetValue<bool>());
        Assert.True((await bob.GetJsonAsync("/v1/settings/read-receipts"))["private"]!.GetValue<bool>());

        await using var sender = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);
        await using var reader = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        var message = await alice.SendTextAsync(group, "quiet please");
        var seq = (await reader.MessagesAsync(1, Deadline))[0]["sequence_number"]!.GetValue<long>();
        await reader.SendAsync(new { type = "ack", message_id = message });
        await StatusAsync(alice, message, s => s["receipts"]?["delivered"]?.GetValue<int>() == 1, "bob's delivery");

        // Bob reads first, then carol; both receipts go through the conversation's partition in that order.
        await reader.SendAsync(new { type = "read", conversation_id = group, up_to_seq = seq });
        Assert.Equal(0, (await ReadFrameAsync(reader, group, seq))["unread_count"]!.GetValue<long>());
        await carol.PostJsonAsync($"/v1/conversations/{group}/read", new { up_to_seq = seq });
        await sender.WaitForAsync(f => ChatSocket.Type(f) == "message.status" && f["recipient"]?.GetValue<string>() == carol.Username
                                       && f["status"]!.GetValue<string>() == "read", Deadline, "carol's read");
        Assert.DoesNotContain(sender.Seen, f => ChatSocket.Type(f) == "message.status" && f["recipient"]?.GetValue<string>() == bob.Username
                                                && f["status"]!.GetValue<string>() == "read");
        Assert.Equal(0, (await ItemAsync(bob, group))["unread_count"]!.GetValue<long>());

        var status = await alice.GetJsonAsync($"/v1/messages/{message}/status");
        Assert.Equal("delivered", status["recipients"]!.AsArray().Single(r => r!["username"]!.GetValue<string>() == bob.Username && r["channel"]!.GetValue<string>() == "app")!["status"]!.GetValue<string>());
        var receipts = status["receipts"]!;
        Assert.Equal((1, 1, 1, 0), (receipts["sent"]!.GetValue<int>(), receipts["delivered"]!.GetValue<int>(), receipts["read"]!.GetValue<int>(), receipts["failed"]!.GetValue<int>()));

        // Back to public: bob's next read is a receipt again.
        await bob.Http.PutAsJsonAsync("/v1/settings/read-receipts", new { @private = false });
        var second = await alice.SendTextAsync(group, "you can talk now");
        var secondSeq = (await reader.MessagesAsync(1, Deadline))[0]["sequence_number"]!.GetValue<long>();
        await reader.SendAsync(new { type = "read", conversation_id = group, up_to_seq = secondSeq });
        await sender.WaitForAsync(f => ChatSocket.Type(f) == "message.status" && f["message_id"]!.GetValue<string>() == second
                                       && f["recipient"]?.GetValue<string>() == bob.Username && f["status"]!.GetValue<string>() == "read", Deadline, "bob's read");

        var direct = await alice.CreateConversationAsync("direct", carol.Username!);
        var one = await alice.SendTextAsync(direct, "no summary here");
        Assert.Null((await StatusAsync(alice, one, s => s["sequence_number"] is not null, "stored"))["receipts"]);
        var bad = await ApiClient.ExpectAsync(await bob.Http.PutAsJsonAsync("/v1/settings/read-receipts", new { }), HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["private"]);
    }

    [Fact]
    public async Task A_rebuilt_conversation_has_a_new_epoch_and_sync_tells_only_a_client_holding_the_old_one_to_start_over()
    {
        var alice = await Server.Client().SignUpAsync("epalice");
        var bob = await Server.Client().SignUpAsync("epbob");
        var admin = await Server.Client().SignUpAsync(ReadStateServer.Admin);
        var direct = await alice.CreateConversationAsync("direct", bob.Username!);
        await alice.SendTextAsync(direct, "first");
        await alice.SendTextAsync(direct, "second");
        var page = await Eventually.UntilAsync(() => bob.GetJsonAsync($"/v1/conversations/{direct}/messages"), p => p["items"]!.AsArray().Count == 2, Deadline, "two stored");
        var old = page["epoch"]!.GetValue<string>();
        Assert.Equal(old, (await bob.GetJsonAsync($"/v1/conversations/{direct}/messages?before_seq=3"))["epoch"]!.GetValue<string>());

        await using (var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob))
        {
            await socket.SendAsync(new { type = "sync", conversation_id = direct, after_seq = 1, epoch = old });
            var done = await socket.WaitForAsync(f => ChatSocket.Type(f) == "sync.done", Deadline, "sync.done");
            Assert.Equal((old, 2L), (done["epoch"]!.GetValue<string>(), done["next_after_seq"]!.GetValue<long>()));
            Assert.Null(done["resync"]);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await alice.Http.PostAsync($"/v1/admin/conversations/{direct}/epoch", null)).StatusCode);
        Assert.Equal(old, (await bob.GetJsonAsync($"/v1/conversations/{direct}/messages"))["epoch"]!.GetValue<string>());
        var renewed = await ApiClient.ExpectAsync(await admin.Http.PostAsync($"/v1/admin/conversations/{direct}/epoch", null), HttpStatusCode.OK);
        var current = renewed["epoch"]!.GetValue<string>();
        Assert.NotEqual(old, current);
        Assert.Equal(current, (await bob.GetJsonAsync($"/v1/conversations/{direct}/messages"))["epoch"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.PostAsync("/v1/admin/conversations/no-such-conversation/epoch", null)).StatusCode);

        await using var stale = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        await stale.SendAsync(new { type = "sync", conversation_id = direct, after_seq = 1, epoch = old });
        var told = await stale.WaitForAsync(f => ChatSocket.Type(f) == "sync.done", Deadline, "sync.done");
        Assert.Equal((current, true, 0L, 0), (told["epoch"]!.GetValue<string>(), told["resync"]!.GetValue<bool>(),
            told["next_after_seq"]!.GetValue<long>(), told["count"]!.GetValue<int>()));

        // Starting over with the current epoch: the whole history, and no resync.
        await stale.SendAsync(new { type = "sync", conversation_id = direct, after_seq = 0, epoch = current });
        var fresh = await stale.WaitForAsync(f => ChatSocket.Type(f) == "sync.done", Deadline, "sync.done");
        Assert.Equal((current, 2L), (fresh["epoch"]!.GetValue<string>(), fresh["next_after_seq"]!.GetValue<long>()));
        Assert.Null(fresh["resync"]);

        await stale.SendAsync(new { type = "sync", conversation_id = direct, after_seq = 0, epoch = "not-an-epoch" });
        Assert.Equal("bad_frame", (await stale.WaitForAsync(f => ChatSocket.Type(f) == "error", Deadline, "error"))["code"]!.GetValue<string>());
    }
}
