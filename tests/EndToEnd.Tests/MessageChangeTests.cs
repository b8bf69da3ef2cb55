using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

public sealed class MessageChangeFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    /// <summary>A second Host whose edit window is one second, for the edit that comes too late.</summary>
    public ChatServer ShortWindow { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ChatServer.StartAsync();
        ShortWindow = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Messages:EditWindow"] = "00:00:01" });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await ShortWindow.DisposeAsync();
    }
}

/// <summary>Edits, deletes, reactions and replies (issue 17), through the REST API, the log, the Router and the sockets.</summary>
public sealed class MessageChangeTests(MessageChangeFixture fixture) : IClassFixture<MessageChangeFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Reactions as a client shows them: <c>emoji count me</c>, in order (emoji as themselves, not JSON's escapes).</summary>
    private static string ReactionsOf(JsonNode message) =>
        string.Join(", ", message["reactions"]!.AsArray().Select(r => $"{r!["emoji"]!.GetValue<string>()} {r["count"]} {r["me"]}"));

    private async Task<ApiClient> UserAsync(string name, ChatServer? server = null) => await (server ?? fixture.Server).Client().SignUpAsync(name + Guid.NewGuid().ToString("N")[..6]);

    private static Task<HttpResponseMessage> Edit(ApiClient actor, string messageId, string text) =>
        actor.Http.PatchAsJsonAsync($"/v1/messages/{messageId}", new { text }, ApiClient.Json);

    private static Task<HttpResponseMessage> React(ApiClient actor, string messageId, string emoji) =>
        actor.Http.PutAsync($"/v1/messages/{messageId}/reactions/{Uri.EscapeDataString(emoji)}", null);

    private static Task<HttpResponseMessage> Unreact(ApiClient actor, string messageId, string emoji) =>
        actor.Http.DeleteAsync($"/v1/messages/{messageId}/reactions/{Uri.EscapeDataString(emoji)}");

    private static async Task AcceptedAsync(Task<HttpResponseMessage> request) => await ApiClient.ExpectAsync(await request, HttpStatusCode.Accepted);

    private static async Task<JsonNode> RefusedAsync(Task<HttpResponseMessage> request, HttpStatusCode status, string field)
    {
        var problem = await ApiClient.ExpectAsync(await request, status);
        Assert.True(problem["errors"]?[field] is not null, $"expected a problem naming '{field}', got {problem.ToJsonString()}");
        return problem;
    }

    private static Task<List<JsonNode>> HistoryWhereAsync(ApiClient reader, string conversation, Func<List<JsonNode>, bool> done, string what) =>
        Eventually.UntilAsync(() => reader.HistoryAsync(conversation), done, Deadline, what);

    private static JsonNode ById(IEnumerable<JsonNode> items, string id) => items.Single(m => m["message_id"]!.GetValue<string>() == id);

    /// <summary>What a client shows after these frames: each message as its last message frame left it, with the reactions its last reaction frame gave.</summary>
    private static Dictionary<string, JsonNode> ViewOf(IEnumerable<JsonNode> frames)
    {
        var view = new Dictionary<string, JsonNode>();
        foreach (var frame in frames)
            switch (ChatSocket.Type(frame))
            {
                case "message.new" or "message.updated" or "message.deleted":
                    view[frame["message"]!["message_id"]!.GetValue<string>()] = frame["message"]!.DeepClone();
                    break;
                case "message.reaction" when view.TryGetValue(frame["message_id"]!.GetValue<string>(), out var message):
                    message["reactions"] = frame["reactions"]!.DeepClone();
                    break;
            }
        return view;
    }

    private static string Shown(JsonNode m) =>
        $"{m["payload"]?["text"]}|v{m["version"]}|deleted={m["deleted"]}|{ReactionsOf(m)}";

    [Fact]
    public async Task Edit_delete_and_react_on_messages_bob_has_and_has_not_received_end_the_same_on_his_socket_and_in_history()
    {
        var (alice, bob) = (await UserAsync("ealice"), await UserAsync("ebob"));
        var chat = await alice.CreateConversationAsync("direct", bob.Username!);
        await using var aliceSecond = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, alice);
        var bobSocket = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, bob);

        // Messages bob has: changed while his socket is open, each change a frame to him and to alice's second socket.
        var hadEdit = await alice.SendTextAsync(chat, "had, before the edit");
        var hadDelete = await alice.SendTextAsync(chat, "had, to be deleted");
        await bobSocket.MessagesAsync(2);
        await AcceptedAsync(Edit(alice, hadEdit, "had, edited"));
        await AcceptedAsync(React(alice, hadEdit, "👍"));
        await AcceptedAsync(alice.Http.DeleteAsync($"/v1/messages/{hadDelete}"));
        foreach (var socket in new[] { bobSocket, aliceSecond })
        {
            var updated = await socket.WaitForAsync(f => ChatSocket.Type(f) == "message.updated", Deadline, "message.updated");
            Assert.Equal(("had, edited", 2), (updated["message"]!["payload"]!["text"]!.GetValue<string>(), updated["message"]!["version"]!.GetValue<int>()));
            var reaction = await socket.WaitForAsync(f => ChatSocket.Type(f) == "message.reaction", Deadline, "message.reaction");
            Assert.Equal((alice.Username, "👍", "added"), (reaction["username"]!.GetValue<string>(), reaction["emoji"]!.GetValue<string>(), reaction["action"]!.GetValue<string>()));
            // me as each reader sees it: alice reacted, bob did not.
            Assert.Equal(socket == aliceSecond, reaction["reactions"]![0]!["me"]!.GetValue<bool>());
            var deleted = await socket.WaitForAsync(f => ChatSocket.Type(f) == "message.deleted", Deadline, "message.deleted");
            Assert.Equal((hadDelete, true), (deleted["message"]!["message_id"]!.GetValue<string>(), deleted["message"]!["deleted"]!.GetValue<bool>()));
            Assert.Null(deleted["message"]!["payload"]);
        }
        var framesBefore = bobSocket.Seen.ToList();
        await bobSocket.DisposeAsync();

        // Messages bob has not received: sent and changed while he is away.
        var newEdit = await alice.SendTextAsync(chat, "new, before the edit");
        var newDelete = await alice.SendTextAsync(chat, "new, to be deleted");
        await HistoryWhereAsync(alice, chat, h => h.Count == 4, "the new messages stored");
        await AcceptedAsync(Edit(alice, newEdit, "new, edited"));
        await AcceptedAsync(React(alice, newEdit, "🎉"));
        await AcceptedAsync(alice.Http.DeleteAsync($"/v1/messages/{newDelete}"));
        await aliceSecond.WaitForAsync(f => ChatSocket.Type(f) == "message.deleted" && f["message"]!["message_id"]!.GetValue<string>() == newDelete, Deadline,
            "the last change applied");

        await using var bobAgain = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, bob);
        await bobAgain.MessagesAsync(4); // everything he never acknowledged, as it is now
        var history = await bob.HistoryAsync(chat);
        var view = ViewOf(framesBefore.Concat(bobAgain.Seen));
        Assert.Equal(history.Select(Shown), history.Select(m => Shown(view[m["message_id"]!.GetValue<string>()])));
        Assert.Equal("new, edited|v2|deleted=|🎉 1 false", Shown(ById(history, newEdit)));
        Assert.Equal("|v2|deleted=true|", Shown(ById(history, newDelete)));
        Assert.True(ById(await alice.HistoryAsync(chat), newEdit)["reactions"]![0]!["me"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Someone_elses_message_cannot_be_edited_nor_deleted_outside_the_rules_and_the_groups_owner_may_delete_it()
    {
        var (alice, bob, carol) = (await UserAsync("ralice"), await UserAsync("rbob"), await UserAsync("rcarol"));
        var group = await alice.CreateConversationAsync("group", bob.Username!, carol.Username!);
        var bobs = await bob.SendTextAsync(group, "bob's words");
        await HistoryWhereAsync(alice, group, h => h.Count == 1, "bob's message stored");

        var problem = await RefusedAsync(Edit(alice, bobs, "alice's words"), HttpStatusCode.Forbidden, "message_id");
        Assert.Contains("Only its sender", problem["detail"]!.GetValue<string>());
        await RefusedAsync(carol.Http.DeleteAsync($"/v1/messages/{bobs}"), HttpStatusCode.Forbidden, "message_id");
        await RefusedAsync(React(carol, bobs, "not an emoji"), HttpStatusCode.BadRequest, "emoji");
        await RefusedAsync(Edit(bob, "no-such-message", "?"), HttpStatusCode.NotFound, "message_id");

        // A reply carries what it answers; one to a message of another conversation is refused by name.
        var elsewhere = await alice.SendTextAsync(await alice.CreateConversationAsync("direct", carol.Username!), "elsewhere");
        await RefusedAsync(carol.PostJsonAsync("/v1/messages",
            new { conversation_id = group, from = carol.Username, reply_to = elsewhere, payload = new { type = "text", text = "re" } }), HttpStatusCode.NotFound, "reply_to");
        await AcceptedAsync(carol.PostJsonAsync("/v1/messages",
            new { message_id = "reply-" + Guid.NewGuid(), conversation_id = group, from = carol.Username, reply_to = bobs, payload = new { type = "text", text = "agreed" } }));

        await AcceptedAsync(alice.Http.DeleteAsync($"/v1/messages/{bobs}")); // the owner may
        var history = await HistoryWhereAsync(carol, group, h => h.Count == 2 && h[0]["deleted"] is not null, "bob's message a tombstone");
        Assert.Equal((1, 2), (history[0]["sequence_number"]!.GetValue<int>(), history[0]["version"]!.GetValue<int>()));
        Assert.Equal(bobs, history[1]["reply_to"]!.GetValue<string>());
        Assert.Equal((bob.Username, true), (history[1]["reply_quote"]!["from"]!.GetValue<string>(), history[1]["reply_quote"]!["deleted"]!.GetValue<bool>()));
        Assert.Null(history[1]["reply_quote"]!["text"]);
    }

    [Fact]
    public async Task Reactions_by_three_users_one_removed_twice_count_right_with_me_for_each_reader()
    {
        var (alice, bob, carol) = (await UserAsync("xalice"), await UserAsync("xbob"), await UserAsync("xcarol"));
        var group = await alice.CreateConversationAsync("group", bob.Username!, carol.Username!);
        var id = await alice.SendTextAsync(group, "react to me");
        await HistoryWhereAsync(alice, group, h => h.Count == 1, "the message stored");

        await AcceptedAsync(React(alice, id, "👍"));
        await AcceptedAsync(React(bob, id, "👍"));
        await AcceptedAsync(React(carol, id, "🎉"));
        await AcceptedAsync(React(bob, id, "👍")); // again: still one of his
        await AcceptedAsync(Unreact(bob, id, "👍"));
        await AcceptedAsync(Unreact(bob, id, "👍")); // twice: nothing more to remove
        await AcceptedAsync(React(carol, id, "👍🏽")); // last in the log: once it shows, all before it are applied

        string Reactions(List<JsonNode> h) => ReactionsOf(h[0]);
        var seen = new Dictionary<string, string>();
        foreach (var reader in new[] { alice, bob, carol })
            seen[reader.Username!] = Reactions(await HistoryWhereAsync(reader, group, h => Reactions(h).Contains("🏽"), "carol's last reaction applied"));
        Assert.Equal("👍 1 true, 🎉 1 false, 👍🏽 1 false", seen[alice.Username!]);
        Assert.Equal("👍 1 false, 🎉 1 false, 👍🏽 1 false", seen[bob.Username!]);
        Assert.Equal("👍 1 false, 🎉 1 true, 👍🏽 1 true", seen[carol.Username!]);
    }

    [Fact]
    public async Task An_edit_after_the_window_is_refused_naming_the_window()
    {
        var server = fixture.ShortWindow;
        var (alice, bob) = (await UserAsync("walice", server), await UserAsync("wbob", server));
        var chat = await alice.CreateConversationAsync("direct", bob.Username!);
        var id = await alice.SendTextAsync(chat, "quick, edit me");
        await HistoryWhereAsync(alice, chat, h => h.Count == 1, "the message stored");

        // Messages:EditWindow is one second here: asked until the window has passed.
        var refused = await Eventually.UntilAsync(() => Edit(alice, id, "too late"), r => r.StatusCode == HttpStatusCode.Conflict, Deadline, "the window passed");
        var problem = await ApiClient.ExpectAsync(refused, HttpStatusCode.Conflict);
        Assert.NotNull(problem["errors"]!["Messages:EditWindow"]);
    }
}
