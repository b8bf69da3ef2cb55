using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.EndToEnd.Tests;

public sealed class GroupFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    // The webhook receivers run on loopback.
    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Webhooks:AllowLoopbackTargets"] = "true" });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Groups and roles (issue 16): changes as system messages in order, membership stretches, the refusals.</summary>
public sealed class GroupTests(GroupFixture fixture) : IClassFixture<GroupFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private async Task<ApiClient> UserAsync(string name) => await fixture.Server.Client().SignUpAsync(name);

    private static async Task<string> ChangeAsync(Task<HttpResponseMessage> request) =>
        (await ApiClient.ExpectAsync(await request, HttpStatusCode.Accepted))["event_id"]!.GetValue<string>();

    private static Task<HttpResponseMessage> Add(ApiClient actor, string conversation, string username) =>
        actor.PostJsonAsync($"/v1/conversations/{conversation}/members", new { username });

    private static Task<HttpResponseMessage> Remove(ApiClient actor, string conversation, string username) =>
        actor.Http.DeleteAsync($"/v1/conversations/{conversation}/members/{username}");

    private static Task<HttpResponseMessage> SetRole(ApiClient actor, string conversation, string username, string role) =>
        actor.Http.PutAsJsonAsync($"/v1/conversations/{conversation}/members/{username}", new { role }, ApiClient.Json);

    private static Task<HttpResponseMessage> Rename(ApiClient actor, string conversation, string title) =>
        actor.Http.PatchAsJsonAsync($"/v1/conversations/{conversation}", new { title }, ApiClient.Json);

    private static List<JsonNode> SystemMessages(IEnumerable<JsonNode> history) => history.Where(m => m["payload"]!["type"]!.GetValue<string>() == "system").ToList();

    private static Task<List<JsonNode>> HistoryOfAtLeastAsync(ApiClient reader, string conversation, int count) =>
        Eventually.UntilAsync(() => reader.HistoryAsync(conversation), h => h.Count >= count, Deadline, $"{count} messages in the history");

    [Fact]
    public async Task A_group_of_four_changes_in_order_and_a_removed_member_gets_and_reads_nothing_after_their_removal()
    {
        var (alice, bob, carol, dave) = (await UserAsync("g4alice"), await UserAsync("g4bob"), await UserAsync("g4carol"), await UserAsync("g4dave"));
        var group = await alice.CreateConversationAsync("group", bob.Username!);
        await using var carolSocket = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, carol);
        await using var daveSocket = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, dave);

        await ChangeAsync(Add(alice, group, carol.Username!));
        await ChangeAsync(Add(alice, group, dave.Username!));
        await HistoryOfAtLeastAsync(alice, group, 2);
        await ChangeAsync(SetRole(alice, group, bob.Username!, "admin"));
        await alice.SendTextAsync(group, "welcome, all");
        await HistoryOfAtLeastAsync(alice, group, 4);
        var removal = await ChangeAsync(Remove(bob, group, carol.Username!));
        await carolSocket.WaitForAsync(f => f["message"]?["message_id"]?.GetValue<string>() == removal, Deadline, "carol's socket gets her removal");

        // Accepted just after the removal (a Frontend whose cache still had her): where it stands in the log, she is no member.
        var late = new MessageEvent
        {
            MessageId = "late-" + Guid.NewGuid(), ConversationId = group, From = carol.Username!, To = { alice.Username!, bob.Username!, dave.Username! },
            Channels = { "app" }, Payload = new Payload { Type = "text", Text = "am I still here?" }, AcceptedAt = Timestamp.FromDateTime(DateTime.UtcNow),
        };
        await fixture.Server.Services.GetRequiredService<EventProducer>().PublishAsync(ConversationEvents.Of(late));
        var failed = await carolSocket.WaitForAsync(f => ChatSocket.Type(f) == "message.status" && f["message_id"]!.GetValue<string>() == late.MessageId,
            Deadline, "carol told her late message failed");
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Contains("not a member", failed["detail"]!.GetValue<string>());

        await ChangeAsync(Remove(alice, group, alice.Username!));
        await bob.SendTextAsync(group, "after the owner left");
        var history = await HistoryOfAtLeastAsync(bob, group, 7);
        await daveSocket.WaitForAsync(f => f["message"]?["payload"]?["text"]?.GetValue<string>() == "after the owner left", Deadline, "dave gets bob's message");

        var steps = SystemMessages(history).Select(m => m["payload"]!).Select(p =>
            (p["event"]!.GetValue<string>(), p["actor"]!.GetValue<string>(), p["target"]?.GetValue<string>(), p["role"]?.GetValue<string>())).ToList();
        Assert.Equal([
            ("member.added", "g4alice", "g4carol", null), ("member.added", "g4alice", "g4dave", null), ("role.changed", "g4alice", "g4bob", "admin"),
            ("member.removed", "g4bob", "g4carol", null), ("member.left", "g4alice", "g4alice", null),
        ], steps);
        Assert.Equal("g4bob", SystemMessages(history)[^1]["payload"]!["new_owner"]!.GetValue<string>());
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(m => m["sequence_number"]!.GetValue<long>()));
        Assert.DoesNotContain(history, m => m["message_id"]!.GetValue<string>() == late.MessageId);

        var details = await bob.GetJsonAsync($"/v1/conversations/{group}");
        Assert.Equal(["g4bob", "g4dave"], details["members"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal([("g4bob", "owner"), ("g4dave", "member")],
            details["member_details"]!.AsArray().Select(d => (d!["username"]!.GetValue<string>(), d["role"]!.GetValue<string>())));

        // Carol got nothing after her removal, and her history stops at it.
        var carolMessages = carolSocket.Seen.Where(f => ChatSocket.Type(f) == "message.new").Select(f => f["message"]!["message_id"]!.GetValue<string>()).ToList();
        Assert.Equal(removal, carolMessages[^1]);
        var carolHistory = await carol.HistoryAsync(group);
        Assert.Equal(removal, carolHistory[^1]["message_id"]!.GetValue<string>());
        Assert.Equal(carolMessages.Order(), carolHistory.Select(m => m["message_id"]!.GetValue<string>()).Order());
        // Added by the first system message, she never reads what came before it.
        Assert.Equal(1, carolHistory[0]["sequence_number"]!.GetValue<long>());
        Assert.Equal(2, (await dave.HistoryAsync(group))[0]["sequence_number"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_member_who_is_not_owner_or_admin_is_refused_every_change_naming_the_field_and_a_direct_conversation_has_none()
    {
        var (alice, bob, carol) = (await UserAsync("g3alice"), await UserAsync("g3bob"), await UserAsync("g3carol"));
        var group = await alice.CreateConversationAsync("group", bob.Username!);

        async Task Refused(Task<HttpResponseMessage> request, HttpStatusCode status, string field)
        {
            var problem = await ApiClient.ExpectAsync(await request, status);
            Assert.NotNull(problem["errors"]![field]);
        }
        await Refused(Rename(bob, group, "mine now"), HttpStatusCode.Forbidden, "title");
        await Refused(Add(bob, group, carol.Username!), HttpStatusCode.Forbidden, "username");
        await Refused(Remove(bob, group, alice.Username!), HttpStatusCode.Forbidden, "username");
        await Refused(SetRole(bob, group, alice.Username!, "member"), HttpStatusCode.Forbidden, "role");
        await Refused(SetRole(bob, group, bob.Username!, "admin"), HttpStatusCode.Forbidden, "role");

        var direct = await alice.CreateConversationAsync("direct", carol.Username!);
        await Refused(Add(alice, direct, bob.Username!), HttpStatusCode.BadRequest, "conversation_id");
        await Refused(Remove(alice, direct, carol.Username!), HttpStatusCode.BadRequest, "conversation_id");
        await Refused(SetRole(alice, direct, carol.Username!, "admin"), HttpStatusCode.BadRequest, "conversation_id");
        await Refused(Rename(alice, direct, "us"), HttpStatusCode.BadRequest, "conversation_id");
        Assert.Null((await alice.GetJsonAsync($"/v1/conversations/{direct}"))["member_details"]![0]!["role"]);

        Assert.Empty(await alice.HistoryAsync(group));
        Assert.Empty(await alice.HistoryAsync(direct));
    }

    [Fact]
    public async Task Bad_changes_are_4xx_naming_the_field_and_put_nothing_on_the_message_log()
    {
        var (alice, bob, eve) = (await UserAsync("gbalice"), await UserAsync("gbbob"), await UserAsync("gbeve"));
        var group = await alice.CreateConversationAsync("group", bob.Username!);
        var records = KafkaProbe.ReadAll(fixture.Server.BootstrapServers, Topics.Messages).Count(r => r.Message.Key == group);

        async Task Refused(Task<HttpResponseMessage> request, HttpStatusCode status, string field)
        {
            var problem = await ApiClient.ExpectAsync(await request, status);
            Assert.NotNull(problem["errors"]![field]);
        }
        await Refused(Add(alice, "no-such-conversation", eve.Username!), HttpStatusCode.NotFound, "conversation_id");
        await Refused(Rename(eve, group, "hijacked"), HttpStatusCode.Forbidden, "conversation_id");
        await Refused(SetRole(alice, group, bob.Username!, "emperor"), HttpStatusCode.BadRequest, "role");
        await Refused(Add(alice, group, bob.Username!), HttpStatusCode.Conflict, "username");
        await Refused(Add(alice, group, "nobody-at-all"), HttpStatusCode.NotFound, "username");
        await Refused(Remove(alice, group, eve.Username!), HttpStatusCode.NotFound, "username");
        await Refused(Rename(alice, group, new string('t', 201)), HttpStatusCode.BadRequest, "title");
        await Refused(SetRole(alice, group, bob.Username!, "member"), HttpStatusCode.Conflict, "role");

        var details = await alice.GetJsonAsync($"/v1/conversations/{group}");
        Assert.Equal(["gbalice", "gbbob"], details["members"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Null(details["title"]);
        Assert.Equal(records, KafkaProbe.ReadAll(fixture.Server.BootstrapServers, Topics.Messages).Count(r => r.Message.Key == group));
    }

    [Fact]
    public async Task A_removed_member_is_refused_at_the_Frontend_long_before_its_cache_would_expire()
    {
        var (alice, bob) = (await UserAsync("gcalice"), await UserAsync("gcbob"));
        var group = await alice.CreateConversationAsync("group", bob.Username!);
        await bob.SendTextAsync(group, "cached now"); // the Frontend keeps the conversation for a minute
        await ChangeAsync(Remove(alice, group, bob.Username!));

        await Eventually.UntilAsync(() => bob.PostJsonAsync("/v1/messages",
                new { conversation_id = group, from = bob.Username, payload = new { type = "text", text = "still in?" } }),
            r => r.StatusCode == HttpStatusCode.Forbidden, TimeSpan.FromSeconds(15), "bob's send refused once the removal evicted the cache");
    }

    [Fact]
    public async Task An_archived_conversation_leaves_the_list_until_a_new_message_or_for_good()
    {
        var (alice, bob) = (await UserAsync("gaalice"), await UserAsync("gabob"));
        var group = await alice.CreateConversationAsync("group", bob.Username!);
        async Task<bool> ListedAsync() => (await alice.GetJsonAsync("/v1/conversations"))["items"]!.AsArray().Any(c => c!["conversation_id"]!.GetValue<string>() == group);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.Http.PutAsync($"/v1/conversations/{group}/archive", null)).StatusCode);
        Assert.False(await ListedAsync());
        Assert.True((await bob.GetJsonAsync("/v1/conversations"))["items"]!.AsArray().Any(c => c!["conversation_id"]!.GetValue<string>() == group), "bob's list is his own");
        await bob.SendTextAsync(group, "wake up");
        await Eventually.UntilAsync(ListedAsync, listed => listed, Deadline, "the conversation back on a new message");

        await ApiClient.ExpectAsync(await alice.Http.PutAsJsonAsync($"/v1/conversations/{group}/archive", new { until_unarchived = true }, ApiClient.Json),
            HttpStatusCode.NoContent);
        await bob.SendTextAsync(group, "still there?");
        await HistoryOfAtLeastAsync(alice, group, 2);
        Assert.False(await ListedAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Http.DeleteAsync($"/v1/conversations/{group}/archive")).StatusCode);
        Assert.True(await ListedAsync());
    }

    [Fact]
    public async Task Each_applied_change_reaches_the_members_webhooks_as_conversation_updated()
    {
        var (alice, bob, carol) = (await UserAsync("gwalice"), await UserAsync("gwbob"), await UserAsync("gwcarol"));
        await using var receiver = await WebhookReceiver.StartAsync();
        await ApiClient.ExpectAsync(await carol.PostJsonAsync("/v1/webhooks", new { url = receiver.Url.ToString(), events = new[] { "conversation.updated" } }),
            HttpStatusCode.Created);
        var group = await alice.CreateConversationAsync("group", bob.Username!);
        var added = await ChangeAsync(Add(alice, group, carol.Username!));
        await ChangeAsync(Rename(alice, group, "The crew"));

        var bodies = await Eventually.UntilAsync(() => Task.FromResult(receiver.Deliveries.Select(d => JsonNode.Parse(d.Body)!).ToList()),
            b => b.Count >= 2, Deadline, "two conversation.updated deliveries");
        Assert.All(bodies, b => Assert.Equal("conversation.updated", b["type"]!.GetValue<string>()));
        var addition = Assert.Single(bodies, b => b["data"]!["event_id"]!.GetValue<string>() == added)["data"]!;
        Assert.Equal(("applied", "member.added", "gwalice", "gwcarol", 1L),
            (addition["status"]!.GetValue<string>(), addition["event"]!.GetValue<string>(), addition["actor"]!.GetValue<string>(),
                addition["target"]!.GetValue<string>(), addition["sequence_number"]!.GetValue<long>()));
        Assert.Equal(["gwalice", "gwbob", "gwcarol"], addition["members"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Contains(bodies, b => b["data"]!["title"]?.GetValue<string>() == "The crew");
        Assert.Equal("The crew", (await carol.GetJsonAsync($"/v1/conversations/{group}"))["title"]!.GetValue<string>());
    }
}
