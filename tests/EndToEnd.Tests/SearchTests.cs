using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>Finding messages again (issue 17) over the public API: history backwards, stars, search.</summary>
public sealed class SearchTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ChatServer Server => fixture.Server;

    private static List<long> Seqs(JsonNode page) => page["items"]!.AsArray().Select(i => i!["sequence_number"]!.GetValue<long>()).ToList();

    private static List<string> Ids(JsonNode page, Func<JsonNode, JsonNode> message) =>
        page["items"]!.AsArray().Select(i => message(i!)["message_id"]!.GetValue<string>()).ToList();

    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var problem = await ApiClient.ExpectAsync(response, status);
        Assert.True(problem["errors"]![field] is not null, $"{field} is not named: {problem.ToJsonString()}");
        return problem;
    }

    private static Task<List<JsonNode>> StoredAsync(ApiClient reader, string conversation, int count) =>
        Eventually.UntilAsync(() => reader.HistoryAsync(conversation), h => h.Count >= count, Deadline, $"{count} messages stored");

    [Fact]
    public async Task History_reads_backwards_from_before_seq_a_page_at_a_time_to_the_start()
    {
        var alice = await Server.Client().SignUpAsync("backalice");
        var bob = await Server.Client().SignUpAsync("backbob");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        for (var i = 1; i <= 7; i++) await alice.SendTextAsync(conversation, $"message {i}");
        await StoredAsync(bob, conversation, 7);
        var path = $"/v1/conversations/{conversation}/messages";

        var newest = await bob.GetJsonAsync($"{path}?before_seq={long.MaxValue}&limit=3");
        Assert.Equal([5L, 6L, 7L], Seqs(newest));
        Assert.Equal(5L, newest["next_before_seq"]!.GetValue<long>());
        Assert.Null(newest["next_after_seq"]);
        var earlier = await bob.GetJsonAsync($"{path}?before_seq=5&limit=3");
        Assert.Equal([2L, 3L, 4L], Seqs(earlier));
        var first = await bob.GetJsonAsync($"{path}?before_seq=2&limit=3");
        Assert.Equal([1L], Seqs(first));
        Assert.Null(first["next_before_seq"]); // the start
        Assert.Equal("message 1", first["items"]![0]!["payload"]!["text"]!.GetValue<string>());

        await ProblemAsync(await bob.Http.GetAsync($"{path}?before_seq=5&after_seq=1"), HttpStatusCode.BadRequest, "before_seq");
        await ProblemAsync(await bob.Http.GetAsync($"{path}?before_seq=0"), HttpStatusCode.BadRequest, "before_seq");
        var stranger = await Server.Client().SignUpAsync("backstranger");
        await ProblemAsync(await stranger.Http.GetAsync($"{path}?before_seq=5"), HttpStatusCode.Forbidden, "conversation_id");
    }

    [Fact]
    public async Task Stars_are_each_users_own_newest_first_and_only_on_messages_they_can_read()
    {
        var alice = await Server.Client().SignUpAsync("staralice");
        var bob = await Server.Client().SignUpAsync("starbob");
        var carol = await Server.Client().SignUpAsync("starcarol");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        var one = await alice.SendTextAsync(conversation, "star one");
        var two = await alice.SendTextAsync(conversation, "star two");
        await StoredAsync(bob, conversation, 2);

        var starred = await ApiClient.ExpectAsync(await alice.Http.PutAsync($"/v1/messages/{one}/star", null), HttpStatusCode.OK);
        Assert.Equal(one, starred["message_id"]!.GetValue<string>());
        var again = await ApiClient.ExpectAsync(await alice.Http.PutAsync($"/v1/messages/{one}/star", null), HttpStatusCode.OK);
        Assert.Equal(starred["starred_at"]!.GetValue<DateTimeOffset>(), again["starred_at"]!.GetValue<DateTimeOffset>());
        await ApiClient.ExpectAsync(await alice.Http.PutAsync($"/v1/messages/{two}/star", null), HttpStatusCode.OK);
        await ApiClient.ExpectAsync(await bob.Http.PutAsync($"/v1/messages/{two}/star", null), HttpStatusCode.OK);
        await ProblemAsync(await carol.Http.PutAsync($"/v1/messages/{one}/star", null), HttpStatusCode.NotFound, "message_id");
        await ProblemAsync(await carol.Http.PutAsync("/v1/messages/no-such-message/star", null), HttpStatusCode.NotFound, "message_id");

        var alices = await alice.GetJsonAsync("/v1/starred");
        Assert.Equal([two, one], Ids(alices, i => i["message"]!));
        Assert.Equal("star two", alices["items"]![0]!["message"]!["payload"]!["text"]!.GetValue<string>());
        Assert.Null(alices["next_cursor"]);
        Assert.Equal([two], Ids(await bob.GetJsonAsync("/v1/starred"), i => i["message"]!));
        Assert.Empty(Ids(await carol.GetJsonAsync("/v1/starred"), i => i["message"]!));

        var page = await alice.GetJsonAsync("/v1/starred?limit=1");
        Assert.Equal([two], Ids(page, i => i["message"]!));
        Assert.Equal([one], Ids(await alice.GetJsonAsync($"/v1/starred?limit=1&cursor={page["next_cursor"]!.GetValue<string>()}"), i => i["message"]!));
        await ProblemAsync(await alice.Http.GetAsync("/v1/starred?cursor=not-one"), HttpStatusCode.BadRequest, "cursor");

        Assert.Equal(HttpStatusCode.NoContent, (await alice.Http.DeleteAsync($"/v1/messages/{two}/star")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Http.DeleteAsync($"/v1/messages/{two}/star")).StatusCode);
        Assert.Equal([one], Ids(await alice.GetJsonAsync("/v1/starred"), i => i["message"]!));
        Assert.Equal([two], Ids(await bob.GetJsonAsync("/v1/starred"), i => i["message"]!));
    }

    [Fact]
    public async Task Search_finds_only_what_the_caller_may_read_with_plain_text_snippets_and_ranges()
    {
        var alice = await Server.Client().SignUpAsync("findalice");
        var bob = await Server.Client().SignUpAsync("findbob");
        var carol = await Server.Client().SignUpAsync("findcarol");
        var group = await alice.CreateConversationAsync("group", bob.Username!, carol.Username!);
        var before = await alice.SendTextAsync(group, "The <b>quokka</b> café opens at nine");
        Assert.Equal(HttpStatusCode.Accepted, (await alice.Http.DeleteAsync($"/v1/conversations/{group}/members/{bob.Username}")).StatusCode);
        await Eventually.UntilAsync(() => alice.GetJsonAsync($"/v1/conversations/{group}"),
            c => !c["members"]!.AsArray().Any(m => m!.GetValue<string>() == bob.Username), Deadline, "bob removed");
        var after = await alice.SendTextAsync(group, "quokka news for members only");
        await StoredAsync(carol, group, 3);

        var bobs = await bob.GetJsonAsync("/v1/search/messages?q=quokka");
        Assert.Equal([before], Ids(bobs, i => i["message"]!));
        var carols = await carol.GetJsonAsync("/v1/search/messages?q=CAFE");
        var hit = carols["items"]![0]!;
        var snippet = hit["snippet"]!.GetValue<string>();
        Assert.Equal("The <b>quokka</b> café opens at nine", snippet); // the text as written: nothing is HTML
        var range = Assert.Single(hit["highlights"]!.AsArray());
        Assert.Equal("café", snippet[range!["start"]!.GetValue<int>()..range["end"]!.GetValue<int>()]);
        Assert.Equal(group, hit["message"]!["conversation_id"]!.GetValue<string>());

        var alices = await alice.GetJsonAsync($"/v1/search/messages?q=quokka&conversation_id={group}&from={alice.Username}&limit=1");
        Assert.Equal([after], Ids(alices, i => i["message"]!));
        var next = await alice.GetJsonAsync($"/v1/search/messages?q=quokka&limit=1&cursor={alices["next_cursor"]!.GetValue<string>()}");
        Assert.Equal([before], Ids(next, i => i["message"]!));
        Assert.Null(next["next_cursor"]);

        await ProblemAsync(await carol.Http.GetAsync("/v1/search/messages"), HttpStatusCode.BadRequest, "q");
        await ProblemAsync(await carol.Http.GetAsync("/v1/search/messages?q=%22%29%28*"), HttpStatusCode.BadRequest, "q"); // no word in it
        await ProblemAsync(await carol.Http.GetAsync("/v1/search/messages?q=caf%C3%28"), HttpStatusCode.BadRequest, "q"); // not UTF-8
        await ProblemAsync(await carol.Http.GetAsync("/v1/search/messages?q=quokka&from=%3Cb%3E"), HttpStatusCode.BadRequest, "from");
        await ProblemAsync(await carol.Http.GetAsync("/v1/search/messages?q=quokka&conversation_id=nowhere"), HttpStatusCode.NotFound, "conversation_id");
        // Query syntax is only words: quotes, operators and brackets are never an error.
        Assert.Equal([after, before], Ids(await carol.GetJsonAsync("/v1/search/messages?q=%22quokka%20(*"), i => i["message"]!));
    }
}
