using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace Chat.Connectors;

/// <summary>
/// Platforms calling us: a text from a mapped platform user becomes a message from that user, in
/// the conversation they were last reached in on that platform. Each platform proves itself with
/// its own secret (Telegram's secret token header; Meta's X-Hub-Signature-256), not a bearer token.
/// </summary>
public static class InboundApi
{
    public static IEndpointRouteBuilder MapInboundApi(this IEndpointRouteBuilder app)
    {
        var inbound = app.MapGroup("/v1/connectors").AllowAnonymous().WithTags("Connectors");
        inbound.MapPost("/telegram/webhook", Telegram);
        inbound.MapPost("/{channel}/webhook", Meta);
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> Telegram(HttpRequest request, IOptions<ConnectorsOptions> options, InboundMessages inbound, CancellationToken ct)
    {
        var secret = options.Value.Telegram.WebhookSecret;
        if (secret.Length == 0 || !FixedTimeEquals(request.Headers["X-Telegram-Bot-Api-Secret-Token"].ToString(), secret))
            return Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized", "X-Telegram-Bot-Api-Secret-Token is missing or wrong.", "X-Telegram-Bot-Api-Secret-Token");
        Update? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<Update>(request.Body, JsonBotAPI.Options, ct);
        }
        catch (JsonException e)
        {
            return Problems.Invalid("body", "Not a Telegram update: " + e.Message.Split(" Path:")[0]);
        }
        // Telegram retries until it gets a 2xx, so anything we will not take is still answered 200.
        if (update?.Message is { Text: { Length: > 0 } text } message)
            await inbound.AcceptAsync("telegram", message.Chat.Id.ToString(), $"telegram-{update.Id}", text, ct);
        return TypedResults.Ok();
    }

    /// <summary>
    /// The mock platforms, signed as Meta signs: <c>X-Hub-Signature-256: sha256=hex(HMAC-SHA256(app secret, body))</c>.
    /// Body: a message <c>{"id","from","text"}</c>, or receipts <c>{"statuses":[{"id":"&lt;platform message id&gt;","status":"delivered"|"read"}]}</c>.
    /// </summary>
    private static async Task<Results<Ok, ProblemHttpResult>> Meta(string channel, HttpRequest request, IOptions<ConnectorsOptions> options, InboundMessages inbound, CancellationToken ct)
    {
        var platform = channel switch
        {
            "whatsapp" => options.Value.WhatsApp,
            "instagram" => options.Value.Instagram,
            "messenger" => options.Value.Messenger,
            _ => null,
        };
        if (platform is null) return Problems.NotFound($"No inbound webhook for channel '{channel}'.", "channel");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var body = buffer.ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(platform.AppSecret), body));
        if (platform.AppSecret.Length == 0 || !FixedTimeEquals(request.Headers["X-Hub-Signature-256"].ToString(), expected))
            return Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized", "X-Hub-Signature-256 is missing or does not match the body.", "X-Hub-Signature-256");
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.TryGetProperty("statuses", out var statuses))
                foreach (var status in statuses.EnumerateArray())
                    await inbound.PlatformReceiptAsync(channel, status.GetProperty("id").GetString()!, status.GetProperty("status").GetString()!, ct);
            else if (root.TryGetProperty("from", out var from) && root.TryGetProperty("text", out var text) && root.TryGetProperty("id", out var id))
                await inbound.AcceptAsync(channel, from.GetString()!, $"{channel}-{id.GetString()}", text.GetString()!, ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Problems.Invalid("body", "Expected {\"id\",\"from\",\"text\"} with string values.");
        }
        return TypedResults.Ok();
    }

    private static bool FixedTimeEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}

/// <summary>Turns a platform user's text into an accepted message on chat.messages (idempotent by the platform's own id).</summary>
public sealed class InboundMessages(IChannelDirectory channels, IMessageStore store, EventProducer producer, TimeProvider clock, ILogger<InboundMessages> logger)
{
    /// <summary>A platform's delivered/read receipt for a message we sent there; the Router keeps statuses from moving backwards.</summary>
    public async Task PlatformReceiptAsync(string channel, string platformId, string status, CancellationToken ct)
    {
        var reference = Mock.MockConnector.ReferenceOf(channel, platformId)?.Split('/');
        var view = reference is [var messageId, _, _] ? await store.GetStatusAsync(messageId, ct) : null;
        if (view is null || status is not (MessageStatus.Delivered or MessageStatus.Read))
        {
            logger.LogInformation("{Channel} receipt for {PlatformId} ({Status}) ignored: not a message of ours, or not a status we track", channel, platformId, status);
            return;
        }
        await producer.PublishReceiptAsync(new Shared.Events.StatusEvent
        {
            EventId = $"{string.Join('/', reference!)}/{status}", MessageId = view.Message.MessageId, ConversationId = view.Message.ConversationId,
            SequenceNumber = view.Message.SequenceNumber, From = view.Message.From, Recipient = reference![1], Channel = channel, Status = status,
            Detail = $"{channel} receipt for {platformId}", At = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        }, ct);
    }

    public async Task<bool> AcceptAsync(string channel, string externalId, string messageId, string text, CancellationToken ct)
    {
        var user = await channels.FindUserByChannelAsync(channel, externalId, ct);
        var conversationId = user is null ? null : await store.LastConversationOnChannelAsync(user, channel, ct);
        var conversation = conversationId is null ? null : await store.FindConversationAsync(conversationId, ct);
        if (user is null || conversation is null)
        {
            logger.LogInformation("Inbound {Channel} message from {External} dropped: {Why}", channel, externalId,
                user is null ? "no user has this mapping" : "no conversation has reached them there yet");
            return false;
        }
        var message = new NewMessage(messageId, conversation.ConversationId, user, conversation.Members.Where(m => m != user).ToList(), [Channels.App],
            new MessagePayload("text", text, null), clock.GetUtcNow());
        await producer.ProduceAsync(Topics.Messages, message.ConversationId, message.ToEvent(), EventTypes.MessageAccepted, message.MessageId, ct);
        return true;
    }
}
