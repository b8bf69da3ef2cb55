using System.Net;
using Chat.Shared.Kafka;

namespace Chat.EndToEnd.Tests;

public sealed class MessagingTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private async Task<(ApiClient Alice, ApiClient Bob, string ConversationId)> AliceAndBobAsync(string tag)
    {
        var alice = await fixture.Server.Client().SignUpAsync("alice" + tag);
        var bob = await fixture.Server.Client().SignUpAsync("bob" + tag);
        return (alice, bob, await alice.CreateConversationAsync("direct", bob.Username!));
    }

    [Fact]
    public async Task Fifty_messages_are_stored_in_order_with_sequence_numbers_1_to_50_each_sent()
    {
        var (alice, bob, conversation) = await AliceAndBobAsync("50");
        var sent = new List<string>();
        for (var i = 1; i <= 50; i++) sent.Add(await alice.SendTextAsync(conversation, $"message {i}"));

        var history = await Eventually.UntilAsync(() => bob.HistoryAsync(conversation), h => h.Count >= 50, Deadline, "50 stored messages");

        Assert.Equal(sent, history.Select(m => m["message_id"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), history.Select(m => m["sequence_number"]!.GetValue<long>()));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"message {i}"), history.Select(m => m["payload"]!["text"]!.GetValue<string>()));
        foreach (var id in sent)
        {
            var status = await alice.GetJsonAsync($"/v1/messages/{id}/status");
            Assert.Equal("sent", status["status"]!.GetValue<string>());
            var recipient = Assert.Single(status["recipients"]!.AsArray());
            Assert.Equal((bob.Username, "app", "sent"),
                (recipient!["username"]!.GetValue<string>(), recipient["channel"]!.GetValue<string>(), recipient["status"]!.GetValue<string>()));
            Assert.Equal(["accepted", "sent"], status["status_history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Same_message_id_posted_three_times_is_stored_once_with_one_sequence_number()
    {
        var (alice, _, conversation) = await AliceAndBobAsync("dup");
        for (var i = 0; i < 3; i++) Assert.Equal("dup-1", await alice.SendTextAsync(conversation, "only once", messageId: "dup-1"));
        await alice.SendTextAsync(conversation, "after", messageId: "dup-2");

        var history = await Eventually.UntilAsync(() => alice.HistoryAsync(conversation), h => h.Count >= 2, Deadline, "both messages stored");
        Assert.Equal(["dup-1", "dup-2"], history.Select(m => m["message_id"]!.GetValue<string>()));
        Assert.Equal([1L, 2L], history.Select(m => m["sequence_number"]!.GetValue<long>()));
        var status = await alice.GetJsonAsync("/v1/messages/dup-1/status");
        Assert.Single(status["status_history"]!.AsArray(), h => h!["status"]!.GetValue<string>() == "sent");
    }

    [Fact]
    public async Task A_message_id_taken_by_another_users_message_is_refused_409_and_the_first_is_unchanged()
    {
        var (carol, dave, hers) = await AliceAndBobAsync("idcarol");
        var (alice, _, theirs) = await AliceAndBobAsync("idalice");
        Assert.Equal("future-1", await carol.SendTextAsync(hers, "carol's own", messageId: "future-1"));
        await Eventually.UntilAsync(() => carol.HistoryAsync(hers), h => h.Count >= 1, Deadline, "carol's message stored");

        var stolen = await alice.PostJsonAsync("/v1/messages", new
        {
            message_id = "future-1", conversation_id = theirs, from = alice.Username, payload = new { type = "text", text = "alice's" },
        });
        var problem = await ApiClient.ExpectAsync(stolen, HttpStatusCode.Conflict);
        Assert.NotNull(problem["errors"]!["message_id"]);
        // Carol sending the very same message again is a harmless retry: 202, still one message.
        Assert.Equal("future-1", await carol.SendTextAsync(hers, "carol's own", messageId: "future-1"));
        var sameIdOtherText = await carol.PostJsonAsync("/v1/messages", new
        {
            message_id = "future-1", conversation_id = hers, from = carol.Username, payload = new { type = "text", text = "edited" },
        });
        await ApiClient.ExpectAsync(sameIdOtherText, HttpStatusCode.Conflict);

        var status = await carol.GetJsonAsync("/v1/messages/future-1/status");
        Assert.Equal((hers, 1L), (status["conversation_id"]!.GetValue<string>(), status["sequence_number"]!.GetValue<long>()));
        var history = await dave.HistoryAsync(hers);
        Assert.Equal(["carol's own"], history.Select(m => m["payload"]!["text"]!.GetValue<string>()));
        Assert.Empty(await alice.HistoryAsync(theirs));
    }

    [Fact]
    public async Task Status_events_reach_chat_status_once_per_recipient()
    {
        var (alice, _, conversation) = await AliceAndBobAsync("evt");
        var id = await alice.SendTextAsync(conversation, "watch me");
        await Eventually.UntilAsync(
            () => Task.FromResult(KafkaProbe.ReadAll(fixture.Server.BootstrapServers, Topics.Status)
                .Select(r => Chat.Shared.Events.StatusEvent.Parser.ParseFrom(r.Message.Value)).Where(e => e.MessageId == id).ToList()),
            events => events.Count == 1 && events[0] is { Status: "sent", Recipient: "bobevt", Channel: "app", SequenceNumber: 1 },
            Deadline, "one 'sent' status event for bob on app");
    }

    [Fact]
    public async Task A_direct_conversation_between_the_same_pair_is_returned_not_duplicated()
    {
        var (alice, bob, conversation) = await AliceAndBobAsync("pair");
        var again = await bob.PostJsonAsync("/v1/conversations", new { type = "direct", members = new[] { alice.Username } });
        var body = await ApiClient.ExpectAsync(again, HttpStatusCode.OK);
        Assert.Equal(conversation, body["conversation_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Conversations_are_listed_by_member_page_by_page()
    {
        var owner = await fixture.Server.Client().SignUpAsync("lister");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var peer = await fixture.Server.Client().SignUpAsync($"peer{i}");
            created.Add(await owner.CreateConversationAsync("direct", peer.Username!));
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await owner.GetJsonAsync($"/v1/conversations?member=lister&limit=2{(cursor is null ? "" : "&cursor=" + cursor)}");
            seen.AddRange(page["items"]!.AsArray().Select(c => c!["conversation_id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        } while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(created), seen);
        var other = await owner.Http.GetAsync("/v1/conversations?member=peer0");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Only_members_see_a_message_status_or_history()
    {
        var (alice, _, conversation) = await AliceAndBobAsync("priv");
        var carol = await fixture.Server.Client().SignUpAsync("carolpriv");
        var id = await alice.SendTextAsync(conversation, "secret");
        await Eventually.UntilAsync(() => alice.HistoryAsync(conversation), h => h.Count == 1, Deadline, "message stored");

        Assert.Equal(HttpStatusCode.NotFound, (await carol.Http.GetAsync($"/v1/messages/{id}/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.Http.GetAsync($"/v1/conversations/{conversation}/messages")).StatusCode);
    }

    [Fact]
    public async Task Registration_and_login_refuse_what_they_should()
    {
        var client = fixture.Server.Client();
        await client.SignUpAsync("dana");
        var taken = await client.PostJsonAsync("/v1/auth/register", new { username = "DANA", password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        var wrong = await client.PostJsonAsync("/v1/auth/token", new { grant_type = "password", username = "dana", password = "not the password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var shortPassword = await client.PostJsonAsync("/v1/auth/register", new { username = "erin", password = "short" });
        var problem = await ApiClient.ExpectAsync(shortPassword, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["password"]);
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_token()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/conversations")).StatusCode);
    }
}
