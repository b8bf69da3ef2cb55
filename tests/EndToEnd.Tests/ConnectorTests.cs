using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

public sealed class ConnectorFixture : IAsyncLifetime
{
    public const string WebhookSecret = "telegram-webhook-secret";
    public const string WhatsAppSecret = "whatsapp-app-secret";
    public FakeTelegram Telegram { get; private set; } = null!;
    public ChatServer Server { get; private set; } = null!;
    public ApiClient Root { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Telegram = await FakeTelegram.StartAsync();
        Server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Connectors:Telegram:BotToken"] = "123456:TEST-TOKEN",
            ["Connectors:Telegram:BaseUrl"] = Telegram.BaseAddress.ToString().TrimEnd('/'),
            ["Connectors:Telegram:WebhookSecret"] = WebhookSecret,
            // Each wait at least double the last, so the spacing still grows through jitter and scheduler ticks.
            ["Connectors:RetryDelays"] = "250ms,750ms,1500ms,3000ms",
            ["Connectors:BreakDuration"] = "00:00:01",
            ["Connectors:WhatsApp:AppSecret"] = WhatsAppSecret,
            ["Auth:Admins:0"] = "root",
        });
        Root = await Server.Client().SignUpAsync("root");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Telegram.DisposeAsync();
    }
}

/// <summary>Telegram against a fake Bot API over HTTP; the rest of the Host real. One test at a time: they share the fake.</summary>
public sealed class ConnectorTests(ConnectorFixture fixture) : IClassFixture<ConnectorFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ChatServer Server => fixture.Server;

    private async Task<(ApiClient Alice, ApiClient Bob, string Conversation)> PairOnTelegramAsync(string tag, string chatId)
    {
        var alice = await Server.Client().SignUpAsync("alice" + tag);
        var bob = await Server.Client().SignUpAsync("bob" + tag);
        // Set by an admin, so it counts at once (issue 14: a user's own mapping waits for proof).
        await ApiClient.ExpectAsync(await fixture.Root.Http.PutAsJsonAsync($"/v1/users/{bob.Username}/channels/telegram", new { external_id = chatId }), HttpStatusCode.OK);
        return (alice, bob, await alice.CreateConversationAsync("direct", bob.Username!));
    }

    private static async Task<string> SendAsync(ApiClient from, string conversation, string text, params string[] channels)
    {
        var body = await ApiClient.ExpectAsync(await from.PostJsonAsync("/v1/messages",
            new { conversation_id = conversation, from = from.Username, channels, payload = new { type = "text", text } }), HttpStatusCode.Accepted);
        return body["message_id"]!.GetValue<string>();
    }

    private static async Task<Dictionary<string, string>> ChannelStatusesAsync(ApiClient client, string messageId) =>
        (await client.GetJsonAsync($"/v1/messages/{messageId}/status"))["recipients"]!.AsArray()
        .ToDictionary(r => r!["channel"]!.GetValue<string>(), r => r!["status"]!.GetValue<string>());

    [Fact]
    public async Task A_message_on_app_and_telegram_reaches_the_socket_and_the_Bot_API_and_both_become_delivered()
    {
        var (alice, bob, conversation) = await PairOnTelegramAsync("tg", "4242");
        await using var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);

        var id = await SendAsync(alice, conversation, "hello on two channels", "app", "telegram");
        var received = (await socket.MessagesAsync(1))[0];
        Assert.Equal(id, received["message_id"]!.GetValue<string>());
        await socket.SendAsync(new { type = "ack", message_id = id });

        await Eventually.UntilAsync(() => ChannelStatusesAsync(alice, id), s => s.Count == 2 && s.Values.All(v => v == "delivered"), Deadline, "both channels delivered");
        var call = Assert.Single(fixture.Telegram.Calls, c => c.Text == "hello on two channels");
        Assert.Equal("4242", call.ChatId);
    }

    [Fact]
    public async Task A_file_message_goes_to_Telegram_as_a_document_whose_link_serves_the_bytes()
    {
        var (alice, _, conversation) = await PairOnTelegramAsync("doc", "868686");
        var bytes = System.Text.Encoding.UTF8.GetBytes("quarterly numbers\n1,2,3\n");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var initiated = await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/files/initiate",
            new { filename = "q3.csv", content_type = "text/csv", size = bytes.Length, sha256 = sha }), HttpStatusCode.Created);
        using var anonymous = new HttpClient();
        var upload = new ByteArrayContent(bytes);
        upload.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(initiated["headers"]!["content-type"]!.GetValue<string>());
        Assert.True((await anonymous.PutAsync(initiated["upload_url"]!.GetValue<string>(), upload)).IsSuccessStatusCode);
        var fileId = initiated["file_id"]!.GetValue<string>();
        await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/files/complete", new { file_id = fileId }), HttpStatusCode.OK);

        var id = (await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/messages", new
        {
            conversation_id = conversation, from = alice.Username, channels = new[] { "telegram" }, payload = new { type = "file", file_id = fileId, text = "Q3" },
        }), HttpStatusCode.Accepted))["message_id"]!.GetValue<string>();

        await Eventually.UntilAsync(() => ChannelStatusesAsync(alice, id), s => s.GetValueOrDefault("telegram") == "delivered", Deadline, "telegram delivered");
        var call = Assert.Single(fixture.Telegram.Calls, c => c.ChatId == "868686");
        Assert.Equal("Q3", call.Text);
        Assert.NotNull(call.Document);
        Assert.Equal(bytes, await anonymous.GetByteArrayAsync(call.Document));
    }

    [Fact]
    public async Task A_failing_platform_trips_the_breaker_gives_up_after_5_attempts_without_slowing_app_traffic_and_replays_once_recovered()
    {
        var (alice, _, conversation) = await PairOnTelegramAsync("down", "5151");
        var others = await Server.Client().SignUpAsync("otherdown");
        var busy = await alice.CreateConversationAsync("direct", others.Username!);
        var baseline = await AppThroughputAsync(alice, busy, 1000);

        fixture.Telegram.Failing = true;
        try
        {
            await OutageAsync(alice, conversation, busy, baseline);
        }
        finally
        {
            fixture.Telegram.Failing = false;
        }
    }

    private async Task OutageAsync(ApiClient alice, string conversation, string busy, double baseline)
    {
        var id = await SendAsync(alice, conversation, "into the outage", "telegram");
        var during = await AppThroughputAsync(alice, busy, 1000);
        var sawBreakerOpen = false;
        await Eventually.UntilAsync(async () =>
        {
            var breakers = await fixture.Root.GetJsonAsync("/v1/admin/connectors");
            sawBreakerOpen |= breakers["breakers"]?["telegram"]?.GetValue<string>() is "Open" or "HalfOpen" or "Isolated";
            return (await ChannelStatusesAsync(alice, id)).GetValueOrDefault("telegram");
        }, s => s == "failed", Deadline, "telegram failed after its attempts");
        var failedAt = DateTimeOffset.UtcNow;

        var dead = (await fixture.Root.GetJsonAsync("/v1/admin/dlq"))["items"]!.AsArray().Single(d => d!["message_id"]!.GetValue<string>() == id)!;
        Assert.Contains("attempt 5 of 5", dead["reason"]!.GetValue<string>());
        var calls = fixture.Telegram.Calls.Where(c => c.Text == "into the outage").ToList();
        Assert.True(sawBreakerOpen, "the telegram breaker was seen open");
        Assert.InRange(calls.Count, 3, 5); // five attempts; those made while the breaker was open never reached the platform
        // Calls refused by the open breaker never reach the fake, so spacing shows in the whole span:
        // first attempt to giving up took at least the scheduled waits (250 ms + 750 ms + 1.5 s + 3 s, less 20 % jitter).
        Assert.True(failedAt - calls[0].At >= TimeSpan.FromSeconds(5.5 * 0.8), $"backoff between attempts: gave up {failedAt - calls[0].At} after the first");
        Assert.True(during >= baseline * 0.5, $"app traffic kept its pace during the outage: {during:0}/s against {baseline:0}/s");

        fixture.Telegram.Failing = false;
        var replay = await fixture.Root.PostJsonAsync($"/v1/admin/dlq/{Uri.EscapeDataString(dead["id"]!.GetValue<string>())}/replay", new { });
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        await Eventually.UntilAsync(() => ChannelStatusesAsync(alice, id), s => s.GetValueOrDefault("telegram") == "delivered", Deadline, "delivered after the replay");
        Assert.Single(fixture.Telegram.Calls, c => c.Text == "into the outage" && c.Answered);
    }

    /// <summary>Messages per second from POST to stored, for <paramref name="count"/> app messages.</summary>
    private static async Task<double> AppThroughputAsync(ApiClient alice, string conversation, int count)
    {
        var before = (await alice.HistoryAsync(conversation)).Count;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i += 20)
            await Task.WhenAll(Enumerable.Range(i, 20).Select(n => SendAsync(alice, conversation, $"app {n}", "app")));
        await Eventually.UntilAsync(() => alice.HistoryAsync(conversation), h => h.Count >= before + count, Deadline, $"{count} app messages stored");
        return count / clock.Elapsed.TotalSeconds;
    }

    [Fact]
    public async Task An_inbound_Telegram_update_with_the_right_secret_becomes_a_message_to_the_app_user_and_a_wrong_one_changes_nothing()
    {
        var (alice, bob, conversation) = await PairOnTelegramAsync("in", "7373");
        var outbound = await SendAsync(alice, conversation, "reply to me on telegram", "telegram");
        await Eventually.UntilAsync(() => ChannelStatusesAsync(alice, outbound), s => s.GetValueOrDefault("telegram") == "delivered", Deadline, "outbound delivered");
        await using var aliceSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);

        var update = new JsonObject
        {
            ["update_id"] = 9001,
            ["message"] = new JsonObject
            {
                ["message_id"] = 77, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["text"] = "hi from telegram",
                ["chat"] = new JsonObject { ["id"] = 7373, ["type"] = "private" },
                ["from"] = new JsonObject { ["id"] = 7373, ["is_bot"] = false, ["first_name"] = "Bob" },
            },
        };
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        async Task<HttpStatusCode> PostAsync(string? secret)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/connectors/telegram/webhook") { Content = JsonContent.Create(update) };
            if (secret is not null) request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
            return (await http.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync("not-the-secret"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(ConnectorFixture.WebhookSecret));

        var inbound = (await aliceSocket.MessagesAsync(1))[0];
        Assert.Equal(("hi from telegram", bob.Username), (inbound["payload"]!["text"]!.GetValue<string>(), inbound["from"]!.GetValue<string>()));
        var history = await alice.HistoryAsync(conversation);
        Assert.Equal(["reply to me on telegram", "hi from telegram"], history.Select(m => m["payload"]!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_mock_platform_webhook_signed_as_Meta_signs_becomes_a_message_and_a_bad_signature_changes_nothing()
    {
        var alice = await Server.Client().SignUpAsync("alicewa");
        var bob = await Server.Client().SignUpAsync("bobwa");
        await ApiClient.ExpectAsync(await fixture.Root.Http.PutAsJsonAsync($"/v1/users/{bob.Username}/channels/whatsapp", new { external_id = "+15550001" }), HttpStatusCode.OK);
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        var outbound = await SendAsync(alice, conversation, "write back on whatsapp", "whatsapp");
        await Eventually.UntilAsync(() => ChannelStatusesAsync(alice, outbound), s => s.GetValueOrDefault("whatsapp") == "delivered", Deadline, "the mock delivered it");

        var body = """{"id":"wamid.1","from":"+15550001","text":"hello from whatsapp"}"""u8.ToArray();
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        async Task<HttpStatusCode> PostAsync(string secret)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/connectors/whatsapp/webhook") { Content = new ByteArrayContent(body) };
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body)));
            return (await http.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync("not-the-app-secret"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(ConnectorFixture.WhatsAppSecret));
        var history = await Eventually.UntilAsync(() => alice.HistoryAsync(conversation), h => h.Count == 2, Deadline, "the inbound message stored");
        Assert.Equal(("hello from whatsapp", bob.Username), (history[1]["payload"]!["text"]!.GetValue<string>(), history[1]["from"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(ConnectorFixture.WhatsAppSecret)); // Meta retries: the same id is stored once
        await alice.SendTextAsync(conversation, "marker");
        Assert.Equal(3, (await Eventually.UntilAsync(() => alice.HistoryAsync(conversation), h => h.Count >= 3, Deadline, "the marker")).Count);
    }

    [Fact]
    public async Task Platform_receipts_move_a_channel_to_read_and_a_late_delivered_never_moves_it_back()
    {
        var alice = await Server.Client().SignUpAsync("alicerc");
        var bob = await Server.Client().SignUpAsync("bobrc");
        await ApiClient.ExpectAsync(await fixture.Root.Http.PutAsJsonAsync($"/v1/users/{bob.Username}/channels/whatsapp", new { external_id = "+15550002" }), HttpStatusCode.OK);
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        var first = await SendAsync(alice, conversation, "first", "whatsapp");
        var second = await SendAsync(alice, conversation, "second", "whatsapp");
        async Task<string> PlatformIdAsync(string id)
        {
            var status = await Eventually.UntilAsync(() => alice.GetJsonAsync($"/v1/messages/{id}/status"), s => s["status"]!.GetValue<string>() == "delivered", Deadline, $"{id} delivered");
            var detail = status["status_history"]!.AsArray().Last(h => h!["status"]!.GetValue<string>() == "delivered")!["detail"]!.GetValue<string>();
            return detail.Split(' ')[^1];
        }
        var (firstPlatformId, secondPlatformId) = (await PlatformIdAsync(first), await PlatformIdAsync(second));

        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        async Task ReceiptAsync(string platformId, string status)
        {
            var body = System.Text.Encoding.UTF8.GetBytes($$"""{"statuses":[{"id":"{{platformId}}","status":"{{status}}"}]}""");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/connectors/whatsapp/webhook") { Content = new ByteArrayContent(body) };
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(ConnectorFixture.WhatsAppSecret), body)));
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }

        await ReceiptAsync(firstPlatformId, "read");
        await Eventually.UntilAsync(() => ChannelStatusesAsync(alice, first), s => s.GetValueOrDefault("whatsapp") == "read", Deadline, "first read");
        await ReceiptAsync(firstPlatformId, "delivered"); // late and out of order
        await ReceiptAsync(secondPlatformId, "read");      // same conversation, same partition: handled after the late one
        await Eventually.UntilAsync(() => ChannelStatusesAsync(alice, second), s => s.GetValueOrDefault("whatsapp") == "read", Deadline, "second read");
        Assert.Equal("read", (await ChannelStatusesAsync(alice, first))["whatsapp"]);
    }

    [Fact]
    public async Task An_edit_and_a_delete_of_a_message_sent_on_telegram_reach_the_Bot_API_as_editMessageText_and_deleteMessage()
    {
        var (alice, _, conversation) = await PairOnTelegramAsync("tgedit", "917171");
        var id = await SendAsync(alice, conversation, "first words", "telegram");
        await Eventually.UntilAsync(() => ChannelStatusesAsync(alice, id), s => s.GetValueOrDefault("telegram") == "delivered", Deadline, "delivered on telegram");
        var sent = Assert.Single(fixture.Telegram.Calls, c => c is { Method: "sendMessage", Text: "first words" });

        await ApiClient.ExpectAsync(await alice.Http.PatchAsJsonAsync($"/v1/messages/{id}", new { text = "better words" }, ApiClient.Json), HttpStatusCode.Accepted);
        var edit = await Eventually.UntilAsync(() => Task.FromResult(fixture.Telegram.Calls.FirstOrDefault(c => c.Method == "editMessageText")),
            c => c is not null, Deadline, "editMessageText at the Bot API");
        Assert.Equal(("917171", sent.MessageId, "better words"), (edit!.ChatId, edit.MessageId, edit.Text));

        await ApiClient.ExpectAsync(await alice.Http.DeleteAsync($"/v1/messages/{id}"), HttpStatusCode.Accepted);
        var delete = await Eventually.UntilAsync(() => Task.FromResult(fixture.Telegram.Calls.FirstOrDefault(c => c.Method == "deleteMessage")),
            c => c is not null, Deadline, "deleteMessage at the Bot API");
        Assert.Equal(("917171", sent.MessageId), (delete!.ChatId, delete.MessageId));

        // Each is a line in the recipient's status history; the status stays delivered.
        var status = await Eventually.UntilAsync(() => alice.GetJsonAsync($"/v1/messages/{id}/status"),
            s => s["status_history"]!.AsArray().Count(h => h!["detail"]?.GetValue<string>() is { } d && (d.Contains("edited there") || d.Contains("deleted there"))) == 2,
            Deadline, "the edit and the delete noted in the status history");
        Assert.Equal("delivered", status["status"]!.GetValue<string>());
    }
}
