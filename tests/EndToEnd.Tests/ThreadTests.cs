using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>Issue 25: threads — replies numbered in their conversation, a summary on the root, followers, and unread kept apart.</summary>
public sealed class ThreadTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private ChatServer Server => fixture.Server;

    private static async Task<string> ReplyAsync(ApiClient from, string conversation, string root, string text, bool alsoToConversation = false)
    {
        var body = await ApiClient.ExpectAsync(await from.PostJsonAsync("/v1/messages", new
        {
            conversation_id = conversation, from = from.Username, payload = new { type = "text", text }, thread_root = root,
            also_send_to_conversation = alsoToConversation ? true : (bool?)null,
        }), HttpStatusCode.Accepted);
        return body["message_id"]!.GetValue<string>();
    }

    private static Task<JsonNode> ThreadAsync(ApiClient reader, string root, int replies) =>
        Eventually.UntilAsync(() => reader.GetJsonAsync($"/v1/messages/{root}/thread"), t => t["replies"]!.AsArray().Count == replies, Deadline, $"{replies} replies");

    private static async Task<JsonNode> ItemAsync(ApiClient member, string conversation) =>
        (await member.GetJsonAsync("/v1/conversations"))["items"]!.AsArray().Single(i => i!["conversation_id"]!.GetValue<string>() == conversation)!;

    private static (long Unread, long ThreadUnread) Badges(JsonNode item) => (item["unread_count"]!.GetValue<long>(), item["thread_unread_count"]!.GetValue<long>());

    [Fact]
    public async Task Five_replies_by_three_people_show_on_the_root_and_count_for_bob_in_the_thread_not_the_conversation()
    {
        var alice = await Server.Client().SignUpAsync("thalice");
        var bob = await Server.Client().SignUpAsync("thbob");
        var carol = await Server.Client().SignUpAsync("thcarol");
        var dave = await Server.Client().SignUpAsync("thdave");
        var group = await alice.CreateConversationAsync("group", bob.Username!, carol.Username!, dave.Username!);
        var root = await alice.SendTextAsync(group, "lunch on friday?");
        await Eventually.UntilAsync(() => bob.HistoryAsync(group), h => h.Any(m => m["message_id"]!.GetValue<string>() == root), Deadline, "the root stored");
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.PutAsync($"/v1/messages/{root}/follow", null)).StatusCode);
        await bob.PostJsonAsync($"/v1/conversations/{group}/read", new { up_to_seq = 1_000 });
        await Eventually.UntilAsync(() => ItemAsync(bob, group), i => i["unread_count"]!.GetValue<long>() == 0, Deadline, "bob read the conversation");

        foreach (var (who, text) in new[] { (alice, "pizza?"), (carol, "yes"), (dave, "sushi"), (carol, "either"), (alice, "pizza it is") })
            await ReplyAsync(who, group, root, text);

        var thread = await ThreadAsync(bob, root, 5);
        var summary = thread["thread"]!["root"]!["thread"]!;
        var replies = thread["replies"]!.AsArray();
        Assert.Equal(5, summary["reply_count"]!.GetValue<long>());
        Assert.Equal(["thalice", "thcarol", "thdave"], summary["participants"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(replies[^1]!["sent_at"]!.GetValue<DateTimeOffset>(), summary["last_reply_at"]!.GetValue<DateTimeOffset>());
        Assert.All(replies, r => Assert.Equal(root, r!["thread_root"]!.GetValue<string>()));
        Assert.Equal((true, 5L), (thread["thread"]!["following"]!.GetValue<bool>(), thread["thread"]!["unread_count"]!.GetValue<long>()));
        // The replies are numbered in the conversation and in its history, but its unread count stays.
        Assert.Equal(6, (await bob.HistoryAsync(group)).Count(m => m["message_id"]!.GetValue<string>() == root || m["thread_root"] is not null));
        Assert.Equal((0L, 5L), Badges(await ItemAsync(bob, group)));

        // Also sent to the conversation: it counts in both.
        await ReplyAsync(carol, group, root, "see you there", alsoToConversation: true);
        var item = await Eventually.UntilAsync(() => ItemAsync(bob, group), i => i["thread_unread_count"]!.GetValue<long>() == 6, Deadline, "the sixth reply");
        Assert.Equal((1L, 6L), Badges(item));
        var listed = Assert.Single((await bob.GetJsonAsync($"/v1/conversations/{group}/threads"))["items"]!.AsArray())!;
        Assert.Equal((root, 6L), (listed["root"]!["message_id"]!.GetValue<string>(), listed["root"]!["thread"]!["reply_count"]!.GetValue<long>()));

        // Bob reads the thread on one device; the other hears it, and the conversation's own count stays.
        await using var laptop = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        var last = (await ThreadAsync(bob, root, 6))["replies"]!.AsArray()[^1]!["sequence_number"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.Accepted, (await bob.PostJsonAsync($"/v1/messages/{root}/thread/read", new { up_to_seq = last })).StatusCode);
        var told = await laptop.WaitForAsync(f => ChatSocket.Type(f) == "thread.read", Deadline, "thread.read");
        Assert.Equal((root, last, 0L), (told["thread_root"]!.GetValue<string>(), told["last_read_seq"]!.GetValue<long>(), told["unread_count"]!.GetValue<long>()));
        Assert.Equal((1L, 0L), Badges(await ItemAsync(bob, group)));
    }

    [Fact]
    public async Task A_read_frame_with_thread_root_moves_only_the_thread_cursor_and_unfollowing_drops_it_from_the_badge()
    {
        var alice = await Server.Client().SignUpAsync("tfalice");
        var bob = await Server.Client().SignUpAsync("tfbob");
        var direct = await alice.CreateConversationAsync("direct", bob.Username!);
        var root = await bob.SendTextAsync(direct, "the report");
        await Eventually.UntilAsync(() => alice.HistoryAsync(direct), h => h.Count == 1, Deadline, "the root stored");
        await ReplyAsync(alice, direct, root, "page 3 is wrong");
        await ReplyAsync(alice, direct, root, "and page 4");
        // The root's author follows from the first reply on.
        var thread = await ThreadAsync(bob, root, 2);
        Assert.Equal((true, 2L), (thread["thread"]!["following"]!.GetValue<bool>(), thread["thread"]!["unread_count"]!.GetValue<long>()));
        var first = thread["replies"]!.AsArray()[0]!["sequence_number"]!.GetValue<long>();

        await using var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        await socket.SendAsync(new { type = "read", conversation_id = direct, up_to_seq = first, thread_root = root });
        var told = await socket.WaitForAsync(f => ChatSocket.Type(f) == "thread.read", Deadline, "thread.read");
        Assert.Equal((first, 1L), (told["last_read_seq"]!.GetValue<long>(), told["unread_count"]!.GetValue<long>()));
        Assert.Equal(0L, (await ItemAsync(bob, direct))["last_read_seq"]!.GetValue<long>());

        Assert.False((await ApiClient.ExpectAsync(await bob.Http.DeleteAsync($"/v1/messages/{root}/follow"), HttpStatusCode.OK))["following"]!.GetValue<bool>());
        Assert.Equal((0L, 0L), Badges(await ItemAsync(bob, direct)));
        Assert.Equal(1L, (await bob.GetJsonAsync($"/v1/messages/{root}/thread"))["thread"]!["unread_count"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_thread_root_must_be_a_readable_message_of_the_conversation_and_no_reply_itself()
    {
        var alice = await Server.Client().SignUpAsync("tralice");
        var bob = await Server.Client().SignUpAsync("trbob");
        var mallory = await Server.Client().SignUpAsync("trmallory");
        var direct = await alice.CreateConversationAsync("direct", bob.Username!);
        var other = await alice.CreateConversationAsync("direct", mallory.Username!);
        var root = await alice.SendTextAsync(direct, "root");
        var elsewhere = await alice.SendTextAsync(other, "elsewhere");
        await Eventually.UntilAsync(() => alice.HistoryAsync(other), h => h.Count == 1, Deadline, "stored");
        var reply = await ReplyAsync(bob, direct, root, "a reply");
        await ThreadAsync(alice, root, 1);

        async Task<string> RefusedAsync(object body, HttpStatusCode status) =>
            Assert.Single((await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/messages", body), status))["errors"]!.AsObject()).Key;
        var text = new { type = "text", text = "x" };
        Assert.Equal("thread_root", await RefusedAsync(new { conversation_id = direct, from = "tralice", payload = text, thread_root = reply }, HttpStatusCode.BadRequest));
        Assert.Equal("thread_root", await RefusedAsync(new { conversation_id = direct, from = "tralice", payload = text, thread_root = elsewhere }, HttpStatusCode.NotFound));
        Assert.Equal("also_send_to_conversation", await RefusedAsync(new { conversation_id = direct, from = "tralice", payload = text, also_send_to_conversation = true },
            HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Http.GetAsync($"/v1/messages/{root}/thread")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Http.PutAsync($"/v1/messages/{root}/follow", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Http.GetAsync($"/v1/messages/{reply}/thread")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.Http.GetAsync($"/v1/conversations/{direct}/threads")).StatusCode);
    }
}
