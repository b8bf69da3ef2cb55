using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>Issue 14, item 3: a platform id is one user's, and a user's own mapping counts only once proven from that platform.</summary>
public sealed class ChannelProofTests(ConnectorFixture fixture) : IClassFixture<ConnectorFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ChatServer Server => fixture.Server;
    private int _updateId = 50_000;

    private static async Task<JsonNode> PutMappingAsync(ApiClient caller, string username, string channel, string externalId, HttpStatusCode expected) =>
        await ApiClient.ExpectAsync(await caller.Http.PutAsJsonAsync($"/v1/users/{username}/channels/{channel}", new { external_id = externalId }), expected);

    private static async Task<string> MappingStatusAsync(ApiClient user, string channel) =>
        (await user.GetJsonAsync($"/v1/users/{user.Username}/channels"))["items"]!.AsArray().Single(m => m!["channel"]!.GetValue<string>() == channel)!["status"]!.GetValue<string>();

    private async Task PostTelegramAsync(long chatId, string text)
    {
        var update = new JsonObject
        {
            ["update_id"] = Interlocked.Increment(ref _updateId),
            ["message"] = new JsonObject
            {
                ["message_id"] = _updateId, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["text"] = text,
                ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
                ["from"] = new JsonObject { ["id"] = chatId, ["is_bot"] = false, ["first_name"] = "Someone" },
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/connectors/telegram/webhook") { Content = JsonContent.Create(update) };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", ConnectorFixture.WebhookSecret);
        Assert.Equal(HttpStatusCode.OK, (await Server.Client().Http.SendAsync(request)).StatusCode);
    }

    private static async Task<string> SendOnTelegramAsync(ApiClient from, string conversation, string text) =>
        (await ApiClient.ExpectAsync(await from.PostJsonAsync("/v1/messages",
            new { conversation_id = conversation, from = from.Username, channels = new[] { "telegram" }, payload = new { type = "text", text } }),
            HttpStatusCode.Accepted))["message_id"]!.GetValue<string>();

    [Fact]
    public async Task An_identity_claimed_by_a_second_user_is_409_naming_external_id_and_an_admins_mapping_counts_at_once()
    {
        var alice = await Server.Client().SignUpAsync("aliceowned");
        var carol = await Server.Client().SignUpAsync("carolclaims");
        var byAdmin = await PutMappingAsync(fixture.Root, alice.Username!, "telegram", "7001", HttpStatusCode.OK);
        Assert.Equal("verified", byAdmin["status"]!.GetValue<string>());

        var mine = await PutMappingAsync(carol, carol.Username!, "telegram", "7001", HttpStatusCode.Conflict);
        Assert.NotNull(mine["errors"]!["external_id"]);
        var admins = await PutMappingAsync(fixture.Root, carol.Username!, "telegram", "7001", HttpStatusCode.Conflict);
        Assert.NotNull(admins["errors"]!["external_id"]);
        Assert.Empty((await carol.GetJsonAsync($"/v1/users/{carol.Username}/channels"))["items"]!.AsArray());
    }

    [Fact]
    public async Task An_unproven_mapping_is_ignored_until_the_Telegram_start_code_arrives_from_that_chat()
    {
        var alice = await Server.Client().SignUpAsync("alicetgproof");
        var carol = await Server.Client().SignUpAsync("caroltgproof");
        var set = await PutMappingAsync(carol, carol.Username!, "telegram", "7002", HttpStatusCode.OK);
        Assert.Equal("pending", set["status"]!.GetValue<string>());
        var conversation = await alice.CreateConversationAsync("direct", carol.Username!);

        // Pending: nothing goes out to that chat, and what comes from it is not carol's.
        var before = await SendOnTelegramAsync(alice, conversation, "not to 7002 yet");
        await Eventually.UntilAsync(() => alice.GetJsonAsync($"/v1/messages/{before}/status"),
            s => s["recipients"]!.AsArray().Any(r => r!["channel"]!.GetValue<string>() == "telegram" && r["status"]!.GetValue<string>() == "failed"), Deadline,
            "telegram failed for want of a verified mapping");
        Assert.DoesNotContain(fixture.Telegram.Calls, c => c.ChatId == "7002");
        await PostTelegramAsync(7002, "pretending to be carol");

        var code = await ApiClient.ExpectAsync(await carol.PostJsonAsync($"/v1/users/{carol.Username}/channels/telegram/verification", new { }), HttpStatusCode.OK);
        var value = code["code"]!.GetValue<string>();
        Assert.True(code["expires_at"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow);
        await PostTelegramAsync(7999, $"/start {value}"); // from another chat: proves nothing
        Assert.Equal("pending", await MappingStatusAsync(carol, "telegram"));
        await PostTelegramAsync(7002, $"/start {value}");
        Assert.Equal("verified", await MappingStatusAsync(carol, "telegram"));

        // Proven: it goes out there, and comes back as carol's.
        await SendOnTelegramAsync(alice, conversation, "now to 7002");
        await Eventually.UntilAsync(() => Task.FromResult(fixture.Telegram.Calls.Any(c => c.ChatId == "7002" && c.Text == "now to 7002")), sent => sent, Deadline, "the Bot API call");
        await PostTelegramAsync(7002, "really carol");
        var history = await Eventually.UntilAsync(() => alice.HistoryAsync(conversation), h => h.Any(m => m["from"]!.GetValue<string>() == carol.Username), Deadline, "carol's reply");
        // Neither the stranger's text from before the proof nor the /start codes became messages.
        Assert.Equal(["not to 7002 yet", "now to 7002", "really carol"], history.Select(m => m["payload"]!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_signed_mock_platform_message_carrying_the_code_proves_a_WhatsApp_mapping()
    {
        var dora = await Server.Client().SignUpAsync("dorawaproof");
        await PutMappingAsync(dora, dora.Username!, "whatsapp", "+15557003", HttpStatusCode.OK);
        var code = (await ApiClient.ExpectAsync(await dora.PostJsonAsync($"/v1/users/{dora.Username}/channels/whatsapp/verification", new { }), HttpStatusCode.OK))["code"]!.GetValue<string>();

        var body = Encoding.UTF8.GetBytes($$"""{"id":"wamid.proof","from":"+15557003","text":"my code is {{code}}"}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/connectors/whatsapp/webhook") { Content = new ByteArrayContent(body) };
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ConnectorFixture.WhatsAppSecret), body)));
        Assert.Equal(HttpStatusCode.OK, (await Server.Client().Http.SendAsync(request)).StatusCode);

        Assert.Equal("verified", await MappingStatusAsync(dora, "whatsapp"));
        // Used up: asking again for a verified mapping is a conflict.
        Assert.Equal(HttpStatusCode.Conflict, (await dora.PostJsonAsync($"/v1/users/{dora.Username}/channels/whatsapp/verification", new { })).StatusCode);
    }

    [Fact]
    public async Task Identifiers_with_NUL_or_control_characters_are_400_naming_the_field()
    {
        var erin = await Server.Client().SignUpAsync("erinctl");
        var nul = await PutMappingAsync(erin, erin.Username!, "telegram", "70\u000004", HttpStatusCode.BadRequest);
        Assert.NotNull(nul["errors"]!["external_id"]);
        var newline = await PutMappingAsync(fixture.Root, "erin%0Actl", "telegram", "7004", HttpStatusCode.BadRequest);
        Assert.NotNull(newline["errors"]!["username"]);
    }
}
