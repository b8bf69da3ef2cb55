using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chat.Auth;
using Chat.Keys.Storage;
using Chat.Notifications.Storage;
using Chat.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.EndToEnd.Tests;

public sealed class AccountDeletionFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        // The push service and the webhook's receiver are on loopback.
        ["Notifications:AllowInsecureTargets"] = "true",
        ["Webhooks:AllowLoopbackTargets"] = "true",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 24, account deletion: what every service keeps goes, and what stays reads "deleted user".</summary>
public sealed class AccountDeletionTests(AccountDeletionFixture fixture) : IClassFixture<AccountDeletionFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private ChatServer Server => fixture.Server;

    private static Task<HttpResponseMessage> DeleteAccountAsync(ApiClient user) =>
        user.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/users/me") { Content = JsonContent.Create(new { password = ApiClient.Password }) });

    private static async Task<string> SendAsync(ApiClient user, string conversationId, string text, string? replyTo = null, string? threadRoot = null) =>
        (await ApiClient.ExpectAsync(await user.PostJsonAsync("/v1/messages", new
        {
            conversation_id = conversationId, from = user.Username, payload = new { type = "text", text }, reply_to = replyTo, thread_root = threadRoot,
        }), HttpStatusCode.Accepted))["message_id"]!.GetValue<string>();

    private static Task<List<JsonNode>> StoredAsync(ApiClient reader, string conversationId, int count) =>
        Eventually.UntilAsync(() => reader.HistoryAsync(conversationId), h => h.Count >= count, Deadline, $"{count} messages in {conversationId}");

    [Fact]
    public async Task Deletion_removes_devices_keys_mappings_blocks_and_webhooks_and_the_account_cannot_come_back()
    {
        await using var push = await FakePushService.StartAsync();
        var gone = await Server.Client().SignUpAsync("adgone");
        await Server.Client().SignUpAsync("adblocked");
        var subscription = push.Subscribe("adgone");
        await ApiClient.ExpectAsync(await gone.Http.PutAsJsonAsync("/v1/devices/browser",
            new { platform = "webpush", subscription = new { endpoint = subscription.Endpoint, keys = new { p256dh = subscription.P256dh, auth = subscription.Auth } } }, ApiClient.Json),
            HttpStatusCode.OK);
        var device = new X3dhDevice("phone");
        await ApiClient.ExpectAsync(await gone.Http.PutAsJsonAsync("/v1/keys/devices/phone", device.Publication(), ApiClient.Json), HttpStatusCode.OK);
        await ApiClient.ExpectAsync(await gone.Http.PutAsJsonAsync("/v1/users/adgone/channels/telegram", new { external_id = "tg-adgone" }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await gone.Http.PutAsync("/v1/blocks/adblocked", null)).StatusCode);
        await ApiClient.ExpectAsync(await gone.PostJsonAsync("/v1/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "message.status" } }), HttpStatusCode.Created);

        var (pushes, keys, mappings, blocks, webhooks) = (Server.Services.GetRequiredService<INotificationStore>(), Server.Services.GetRequiredService<IKeyStore>(),
            Server.Services.GetRequiredService<IChannelMappingStore>(), Server.Services.GetRequiredService<IBlockList>(), Server.Services.GetRequiredService<IWebhookRegistrations>());
        Assert.Single(await pushes.DevicesAsync("adgone"));
        Assert.Single(await keys.DevicesAsync("adgone"));
        Assert.Single(await mappings.ChannelMappingsAsync("adgone"));
        Assert.True(await blocks.HasBlockedAsync("adgone", "adblocked"));
        Assert.Single(await webhooks.WebhooksAsync(), w => w.Owner == "adgone");

        Assert.Equal(HttpStatusCode.NoContent, (await DeleteAccountAsync(gone)).StatusCode);

        // Auth's own, with the deletion; the other services' as their consumers of chat.accounts read it.
        Assert.Empty(await mappings.ChannelMappingsAsync("adgone"));
        Assert.False(await blocks.HasBlockedAsync("adgone", "adblocked"));
        await Eventually.UntilAsync(() => pushes.DevicesAsync("adgone"), d => d.Count == 0, Deadline, "the push device removed");
        await Eventually.UntilAsync(() => keys.DevicesAsync("adgone"), d => d.Count == 0, Deadline, "the key-directory device removed");
        await Eventually.UntilAsync(async () => (await webhooks.WebhooksAsync()).Count(w => w.Owner == "adgone"), n => n == 0, Deadline, "the webhook removed");

        var signIn = await Server.Client().PostJsonAsync("/v1/auth/token", new { grant_type = "password", username = "adgone", password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        foreach (var name in new[] { "adgone", "ADGONE" })
            Assert.Equal(HttpStatusCode.Conflict, (await Server.Client().PostJsonAsync("/v1/auth/register", new { username = name, password = ApiClient.Password })).StatusCode);
    }

    [Fact]
    public async Task Old_messages_read_deleted_user_everywhere_and_the_account_is_gone_from_every_member_list()
    {
        var gone = await Server.Client().SignUpAsync("adwriter");
        var friend = await Server.Client().SignUpAsync("adfriend");
        var third = await Server.Client().SignUpAsync("adthird");
        // Its owner, so it may pin (and the group passes on when it leaves).
        var group = await gone.CreateConversationAsync("group", friend.Username!, third.Username!);
        var direct = await friend.CreateConversationAsync("direct", gone.Username!);

        var said = await SendAsync(gone, group, "a farewell note");
        await StoredAsync(friend, group, 1);
        await SendAsync(friend, group, "answering it", replyTo: said);
        await SendAsync(gone, group, "in the thread", threadRoot: said);
        await SendAsync(gone, direct, "just between us");
        await StoredAsync(friend, group, 3);
        await StoredAsync(friend, direct, 1);
        Assert.Equal(HttpStatusCode.Accepted, (await gone.Http.PutAsync($"/v1/messages/{said}/pin", null)).StatusCode);
        await Eventually.UntilAsync(() => friend.GetJsonAsync($"/v1/conversations/{group}/pins"), p => p["items"]!.AsArray().Count == 1, Deadline, "the pin");

        Assert.Equal(HttpStatusCode.NoContent, (await DeleteAccountAsync(gone)).StatusCode);

        // History: the sender, the quote of a reply, a thread's participants, the pin's system message.
        var history = await StoredAsync(friend, group, 5);
        var note = history.Single(m => m["message_id"]!.GetValue<string>() == said);
        Assert.Equal(("deleted user", true), (note["from"]!.GetValue<string>(), note["from_deleted"]!.GetValue<bool>()));
        Assert.Equal(["deleted user"], note["thread"]!["participants"]!.AsArray().Select(p => p!.GetValue<string>()));
        var answer = history.Single(m => m["payload"]!["text"]?.GetValue<string>() == "answering it");
        Assert.Equal(("adfriend", null), (answer["from"]!.GetValue<string>(), answer["from_deleted"]));
        Assert.Equal(("deleted user", true), (answer["reply_quote"]!["from"]!.GetValue<string>(), answer["reply_quote"]!["from_deleted"]!.GetValue<bool>()));
        Assert.DoesNotContain(history, m => m.ToJsonString().Contains("adwriter", StringComparison.Ordinal));

        // Search, the thread, the pins, the conversation list's previews.
        var found = (await friend.GetJsonAsync("/v1/search/messages?q=farewell"))["items"]!.AsArray().Single()!;
        Assert.Equal("deleted user", found["message"]!["from"]!.GetValue<string>());
        var thread = await friend.GetJsonAsync($"/v1/messages/{said}/thread");
        Assert.Equal("deleted user", thread["thread"]!["root"]!["from"]!.GetValue<string>());
        Assert.Equal(["deleted user"], thread["replies"]!.AsArray().Select(r => r!["from"]!.GetValue<string>()));
        var pin = (await friend.GetJsonAsync($"/v1/conversations/{group}/pins"))["items"]!.AsArray().Single()!;
        Assert.Equal(("deleted user", "deleted user"), (pin["pinned_by"]!.GetValue<string>(), pin["message"]!["from"]!.GetValue<string>()));

        // Member lists: the group at once (and for good by its member.left), the direct conversation read-only.
        var details = await friend.GetJsonAsync($"/v1/conversations/{group}");
        Assert.Equal(["adfriend", "adthird"], details["members"]!.AsArray().Select(m => m!.GetValue<string>()).Order());
        Assert.Equal(["adfriend", "adthird"], details["member_details"]!.AsArray().Select(m => m!["username"]!.GetValue<string>()).Order());
        var listed = (await friend.GetJsonAsync("/v1/conversations"))["items"]!.AsArray();
        var withGone = listed.Single(c => c!["conversation_id"]!.GetValue<string>() == direct)!;
        Assert.Equal(["adfriend"], withGone["members"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.True(withGone["peer_deleted"]!.GetValue<bool>());
        Assert.Equal("deleted user", withGone["last_message"]!["from"]!.GetValue<string>());
        Assert.Null(listed.Single(c => c!["conversation_id"]!.GetValue<string>() == group)!["peer_deleted"]);
        Assert.DoesNotContain("adwriter", listed.ToJsonString(), StringComparison.Ordinal);
        Assert.True((await friend.GetJsonAsync($"/v1/conversations/{direct}"))["peer_deleted"]!.GetValue<bool>());
        Assert.Equal("just between us", (await friend.HistoryAsync(direct)).Single()["payload"]!["text"]!.GetValue<string>());
        var refused = await ApiClient.ExpectAsync(await friend.PostJsonAsync("/v1/messages", new { conversation_id = direct, from = "adfriend", payload = new { type = "text", text = "hello?" } }),
            HttpStatusCode.Forbidden);
        Assert.Equal(["to"], refused["errors"]!.AsObject().Select(e => e.Key));

        var left = await Eventually.UntilAsync(() => third.HistoryAsync(group), h => h.Any(m => m["payload"]!["event"]?.GetValue<string>() == "member.left"),
            Deadline, "the deleted account's member.left");
        var leave = left.Single(m => m["payload"]!["event"]?.GetValue<string>() == "member.left");
        Assert.Equal(("deleted user", "deleted user"), (leave["payload"]!["actor"]!.GetValue<string>(), leave["from"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_websocket_sync_shows_a_deleted_sender_as_deleted_user()
    {
        var gone = await Server.Client().SignUpAsync("adsocketgone");
        var reader = await Server.Client().SignUpAsync("adsocketreader");
        var direct = await reader.CreateConversationAsync("direct", gone.Username!);
        await SendAsync(gone, direct, "read me later");
        await StoredAsync(reader, direct, 1);
        Assert.Equal(HttpStatusCode.NoContent, (await DeleteAccountAsync(gone)).StatusCode);

        await using var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, reader);
        await socket.SendAsync(new { type = "sync", conversation_id = direct, after_seq = 0 });
        var frame = await socket.WaitForAsync(f => ChatSocket.Type(f) == "message.new", Deadline, "the message.new of the sync");
        Assert.Equal(("deleted user", true), (frame["message"]!["from"]!.GetValue<string>(), frame["message"]!["from_deleted"]!.GetValue<bool>()));
    }
}
