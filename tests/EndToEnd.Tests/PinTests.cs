using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>Issue 25: pins — by owner and admins in groups and either member in direct chats, each a system message, gone when they expire.</summary>
public sealed class PinTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private ChatServer Server => fixture.Server;

    private static async Task<JsonArray> PinsAsync(ApiClient reader, string conversation) =>
        (await reader.GetJsonAsync($"/v1/conversations/{conversation}/pins"))["items"]!.AsArray();

    private static Task<List<JsonNode>> SystemMessagesAsync(ApiClient reader, string conversation, string kind, int count) =>
        Eventually.UntilAsync(async () => (await reader.HistoryAsync(conversation)).Where(m => m["payload"]?["event"]?.GetValue<string>() == kind).ToList(),
            s => s.Count == count, Deadline, $"{count} {kind} system messages");

    [Fact]
    public async Task An_admin_pin_appears_with_a_system_message_and_ends_at_its_expiry_and_a_plain_member_gets_403()
    {
        var alice = await Server.Client().SignUpAsync("pnalice");
        var bob = await Server.Client().SignUpAsync("pnbob");
        var group = await alice.CreateConversationAsync("group", bob.Username!);
        var message = await bob.SendTextAsync(group, "the agenda");
        await Eventually.UntilAsync(() => alice.HistoryAsync(group), h => h.Count == 1, Deadline, "the message stored");

        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Http.PutAsync($"/v1/messages/{message}/pin", null)).StatusCode);
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(3);
        Assert.Equal(HttpStatusCode.Accepted, (await alice.Http.PutAsJsonAsync($"/v1/messages/{message}/pin", new { expires_at = expiresAt }, ApiClient.Json)).StatusCode);

        var pins = await Eventually.UntilAsync(() => PinsAsync(bob, group), p => p.Count == 1, Deadline, "the pin");
        Assert.Equal((message, "pnalice"), (pins[0]!["message"]!["message_id"]!.GetValue<string>(), pins[0]!["pinned_by"]!.GetValue<string>()));
        var system = Assert.Single(await SystemMessagesAsync(bob, group, "message.pinned", 1));
        Assert.Equal(("pnalice", message), (system["payload"]!["actor"]!.GetValue<string>(), system["payload"]!["target"]!.GetValue<string>()));

        await Eventually.UntilAsync(() => PinsAsync(bob, group), p => p.Count == 0, Deadline, "the pin to expire");
        Assert.True(DateTimeOffset.UtcNow >= expiresAt, "a pin lasts until its expires_at");
    }

    [Fact]
    public async Task Either_member_of_a_direct_chat_pins_and_unpins_and_each_leaves_a_system_message()
    {
        var alice = await Server.Client().SignUpAsync("pdalice");
        var bob = await Server.Client().SignUpAsync("pdbob");
        var direct = await alice.CreateConversationAsync("direct", bob.Username!);
        var message = await alice.SendTextAsync(direct, "the address");
        await Eventually.UntilAsync(() => bob.HistoryAsync(direct), h => h.Count == 1, Deadline, "the message stored");

        await using var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);
        Assert.Equal(HttpStatusCode.Accepted, (await bob.Http.PutAsync($"/v1/messages/{message}/pin", null)).StatusCode);
        var pushed = await socket.WaitForAsync(f => ChatSocket.Type(f) == "message.new" && f["message"]!["payload"]!["type"]!.GetValue<string>() == "system",
            Deadline, "the pin's system message on alice's socket");
        Assert.Equal("message.pinned", pushed["message"]!["payload"]!["event"]!.GetValue<string>());
        Assert.Null(Assert.Single(await PinsAsync(alice, direct))!["expires_at"]);

        Assert.Equal(HttpStatusCode.Accepted, (await alice.Http.DeleteAsync($"/v1/messages/{message}/pin")).StatusCode);
        await SystemMessagesAsync(alice, direct, "message.unpinned", 1);
        Assert.Empty(await PinsAsync(bob, direct));
    }
}
