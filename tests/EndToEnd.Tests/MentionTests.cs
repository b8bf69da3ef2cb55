using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

public sealed class MentionFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Mentions:AllLimit"] = "3", // a group of four is "big"
        ["Notifications:AllowInsecureTargets"] = "true", // the fake push service is http on loopback
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 25: mentions — checked against the members, counted for the mentioned only, and what a notification level lets through.</summary>
public sealed class MentionTests(MentionFixture fixture) : IClassFixture<MentionFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private ChatServer Server => fixture.Server;

    private static Task<HttpResponseMessage> SendAsync(ApiClient from, string conversation, string text, params string[] mentions) =>
        from.PostJsonAsync("/v1/messages", new { conversation_id = conversation, from = from.Username, payload = new { type = "text", text, mentions } });

    private static async Task<long> MentionCountAsync(ApiClient member, string conversation) =>
        (await member.GetJsonAsync("/v1/conversations"))["items"]!.AsArray().Single(i => i!["conversation_id"]!.GetValue<string>() == conversation)!["mention_count"]!
            .GetValue<long>();

    [Fact]
    public async Task A_mention_counts_for_the_mentioned_only_until_they_read_past_it()
    {
        var alice = await Server.Client().SignUpAsync("mnalice");
        var bob = await Server.Client().SignUpAsync("mnbob");
        var carol = await Server.Client().SignUpAsync("mncarol");
        var group = await alice.CreateConversationAsync("group", bob.Username!, carol.Username!);
        await ApiClient.ExpectAsync(await SendAsync(alice, group, "@mnbob can you look?", "MNBOB"), HttpStatusCode.Accepted);
        await alice.SendTextAsync(group, "thanks all");

        await Eventually.UntilAsync(() => MentionCountAsync(bob, group), n => n == 1, Deadline, "bob's mention");
        var history = await bob.HistoryAsync(group);
        Assert.Equal(["mnbob"], history[0]["payload"]!["mentions"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(2, (await carol.HistoryAsync(group)).Count);
        Assert.Equal(0, await MentionCountAsync(carol, group));

        await bob.PostJsonAsync($"/v1/conversations/{group}/read", new { up_to_seq = history[^1]["sequence_number"]!.GetValue<long>() });
        await Eventually.UntilAsync(() => MentionCountAsync(bob, group), n => n == 0, Deadline, "bob's mention read");
    }

    [Fact]
    public async Task Mentions_must_name_members_and_all_in_a_big_group_is_for_its_owner_and_admins()
    {
        var owner = await Server.Client().SignUpAsync("mgowner");
        var plain = await Server.Client().SignUpAsync("mgplain");
        var others = new[] { await Server.Client().SignUpAsync("mgthree"), await Server.Client().SignUpAsync("mgfour") };
        var outsider = await Server.Client().SignUpAsync("mgoutsider");
        var big = await owner.CreateConversationAsync("group", plain.Username!, others[0].Username!, others[1].Username!);
        var direct = await owner.CreateConversationAsync("direct", plain.Username!);

        async Task<string> RefusedAsync(HttpResponseMessage response, HttpStatusCode status) =>
            Assert.Single((await ApiClient.ExpectAsync(response, status))["errors"]!.AsObject()).Key;
        Assert.Equal("payload.mentions", await RefusedAsync(await SendAsync(plain, big, "everyone!", "@all"), HttpStatusCode.Forbidden));
        Assert.Equal("payload.mentions[0]", await RefusedAsync(await SendAsync(plain, big, "hey", "mgoutsider"), HttpStatusCode.BadRequest));
        Assert.Equal("payload.mentions[0]", await RefusedAsync(await SendAsync(owner, direct, "hey", "@here"), HttpStatusCode.BadRequest));
        await ApiClient.ExpectAsync(await SendAsync(plain, big, "who is around?", "@here"), HttpStatusCode.Accepted);
        await ApiClient.ExpectAsync(await SendAsync(owner, big, "everyone!", "@all"), HttpStatusCode.Accepted);

        // @here and @all each count for every member but the sender.
        await Eventually.UntilAsync(() => MentionCountAsync(others[0], big), n => n == 2, Deadline, "two mentions of everyone");
        Assert.Equal(1, await MentionCountAsync(plain, big));
        Assert.Equal(1, await MentionCountAsync(owner, big));
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.PutAsJsonAsync($"/v1/conversations/{big}/notifications", new { level = "none" }, ApiClient.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await plain.Http.PutAsJsonAsync($"/v1/conversations/{big}/notifications", new { level = "some" }, ApiClient.Json)).StatusCode);
    }

    [Fact]
    public async Task At_level_mentions_a_plain_message_makes_no_push_and_a_mention_does()
    {
        await using var push = await FakePushService.StartAsync();
        var alice = await Server.Client().SignUpAsync("mpalice");
        var bob = await Server.Client().SignUpAsync("mpbob");
        var phone = push.Subscribe("bob-phone");
        await ApiClient.ExpectAsync(await bob.Http.PutAsJsonAsync("/v1/devices/phone",
            new { platform = "webpush", subscription = new { endpoint = phone.Endpoint, keys = new { p256dh = phone.P256dh, auth = phone.Auth } } }, ApiClient.Json), HttpStatusCode.OK);
        var group = await alice.CreateConversationAsync("group", bob.Username!);
        var level = await ApiClient.ExpectAsync(await bob.Http.PutAsJsonAsync($"/v1/conversations/{group}/notifications", new { level = "mentions" }, ApiClient.Json),
            HttpStatusCode.OK);
        Assert.Equal("mentions", level["level"]!.GetValue<string>());

        var plain = await alice.SendTextAsync(group, "lunch is here");
        var here = (await ApiClient.ExpectAsync(await SendAsync(alice, group, "anyone around?", "@here"), HttpStatusCode.Accepted))["message_id"]!.GetValue<string>();
        var mention = (await ApiClient.ExpectAsync(await SendAsync(alice, group, "bob, yours is the pizza", "mpbob"), HttpStatusCode.Accepted))["message_id"]!
            .GetValue<string>();

        // One conversation, so the worker took the first two before the mention: had either pushed, the mention would only be a summary.
        var pushes = await Eventually.UntilAsync(() => Task.FromResult(push.To("bob-phone")), p => p.Count >= 1, Deadline, "the push for the mention");
        Assert.Equal([mention], pushes.Select(p => p.Body!["message_id"]!.GetValue<string>()));
        Assert.DoesNotContain(push.Pushes, p => p.Body?["message_id"]?.GetValue<string>() is { } id && (id == plain || id == here));
    }
}
