using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>Issue 19: <c>POST /v1/messages/batch</c> — each item on its own, the accepted ones produced together and in order.</summary>
public sealed class BatchSendTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static object Text(string? id, string conversation, string from, string text) =>
        new { message_id = id, conversation_id = conversation, from, payload = new { type = "text", text } };

    [Fact]
    public async Task Each_item_is_answered_on_its_own_and_the_accepted_are_stored_once_in_each_conversations_order()
    {
        var alice = await fixture.Server.Client().SignUpAsync("alicebatch");
        var bob = await fixture.Server.Client().SignUpAsync("bobbatch");
        var carol = await fixture.Server.Client().SignUpAsync("carolbatch");
        var withBob = await alice.CreateConversationAsync("direct", "bobbatch");
        var withCarol = await alice.CreateConversationAsync("direct", "carolbatch");
        var notHers = await bob.CreateConversationAsync("direct", "carolbatch");
        var items = new List<object>();
        for (var i = 0; i < 20; i++) items.Add(Text($"batch-{i}", i % 2 == 0 ? withBob : withCarol, "alicebatch", $"item {i}"));
        items.Insert(3, Text("batch-empty", withBob, "alicebatch", ""));                 // 400: payload.text
        items.Insert(7, Text("batch-not-member", notHers, "alicebatch", "let me in"));   // 403: from
        items.Insert(9, Text("batch-0", withCarol, "alicebatch", "another message, same id")); // 409: message_id
        items.Insert(11, Text("batch-2", withBob, "alicebatch", "item 2"));             // the same message again: one message

        var answer = await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/messages/batch", new { messages = items }), HttpStatusCode.MultiStatus);

        var results = answer["items"]!.AsArray().Select(r => (Id: r!["message_id"]?.GetValue<string>(), Status: r["status"]!.GetValue<string>(),
            Code: r["problem"]?["status"]?.GetValue<int>(), Fields: r["problem"]?["errors"]?.AsObject().Select(e => e.Key).ToList())).ToList();
        Assert.Equal(24, results.Count);
        Assert.Equal(("batch-empty", "refused", (int?)400), (results[3].Id, results[3].Status, results[3].Code));
        Assert.Contains("payload.text", results[3].Fields!);
        Assert.Equal(("batch-not-member", "refused", (int?)403), (results[7].Id, results[7].Status, results[7].Code));
        Assert.Equal(["from"], results[7].Fields!);
        Assert.Equal(("batch-0", "refused", (int?)409), (results[9].Id, results[9].Status, results[9].Code));
        Assert.Equal(["message_id"], results[9].Fields!);
        Assert.Equal(("batch-2", "accepted"), (results[11].Id, results[11].Status));
        Assert.Equal((21, 3), (answer["accepted"]!.GetValue<int>(), answer["refused"]!.GetValue<int>()));

        var toBob = await Eventually.UntilAsync(() => bob.HistoryAsync(withBob), h => h.Count >= 10, Deadline, "bob's ten");
        var toCarol = await Eventually.UntilAsync(() => carol.HistoryAsync(withCarol), h => h.Count >= 10, Deadline, "carol's ten");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"item {2 * i}"), toBob.Select(m => m["payload"]!["text"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"item {2 * i + 1}"), toCarol.Select(m => m["payload"]!["text"]!.GetValue<string>()));
        Assert.Empty(await bob.HistoryAsync(notHers));
    }

    [Fact]
    public async Task A_batch_that_is_no_list_of_1_to_100_messages_is_a_400_naming_messages_and_accepts_nothing()
    {
        var alice = await fixture.Server.Client().SignUpAsync("alicebatchbad");
        await fixture.Server.Client().SignUpAsync("bobbatchbad");
        var conversation = await alice.CreateConversationAsync("direct", "bobbatchbad");
        var tooMany = Enumerable.Range(0, 101).Select(i => Text($"too-many-{i}", conversation, "alicebatchbad", "x")).ToList();

        foreach (var body in new object[] { new { messages = tooMany }, new { messages = Array.Empty<object>() }, new { } })
        {
            var problem = await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/messages/batch", body), HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]!.AsObject().ContainsKey("messages"), problem.ToJsonString());
        }
        var status = await alice.Http.GetAsync("/v1/messages/too-many-0/status");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }
}

/// <summary>The send limit counts a batch's items one by one: those over it are refused 429, the rest accepted.</summary>
public sealed class BatchLimitTests
{
    [Fact]
    public async Task Items_beyond_the_send_limit_are_refused_429_and_the_rest_accepted()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Limits:SendPerMinute"] = "5" });
        var alice = await server.Client().SignUpAsync("alicebatchlimit");
        await server.Client().SignUpAsync("bobbatchlimit");
        var conversation = await alice.CreateConversationAsync("direct", "bobbatchlimit");
        var items = Enumerable.Range(0, 8).Select(i => new { message_id = $"limit-{i}", conversation_id = conversation, from = "alicebatchlimit", payload = new { type = "text", text = $"n{i}" } });

        var response = await alice.PostJsonAsync("/v1/messages/batch", new { messages = items });
        var answer = await ApiClient.ExpectAsync(response, HttpStatusCode.MultiStatus);

        var codes = answer["items"]!.AsArray().Select(r => r!["status"]!.GetValue<string>() == "accepted" ? 202 : r["problem"]!["status"]!.GetValue<int>()).ToList();
        Assert.Equal([202, 202, 202, 202, 202, 429, 429, 429], codes);
        Assert.True(response.Headers.RetryAfter is not null, "a 429 item's Retry-After is on the answer");
    }
}
