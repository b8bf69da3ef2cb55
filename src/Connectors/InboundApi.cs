using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Chat.Shared.Http;
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
internal static class InboundApi
{
    public static IEndpointRouteBuilder MapInboundApi(this IEndpointRouteBuilder app)
    {
        var inbound = app.MapGroup("/v1/connectors").AllowAnonymous().WithTags("Connectors");
        inbound.MapPost("/telegram/webhook", Telegram).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized);
        inbound.MapPost("/{channel}/webhook", Meta)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> Telegram(HttpRequest request, IOptions<ConnectorsOptions> options, InboundMessageHandler inbound, CancellationToken ct)
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
    private static async Task<Results<Ok, ProblemHttpResult>> Meta(string channel, HttpRequest request, IOptions<ConnectorsOptions> options, InboundMessageHandler inbound, CancellationToken ct)
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
        MetaUpdate update;
        try
        {
            update = MetaUpdate.Parse(body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Problems.Invalid("body", "Expected {\"id\",\"from\",\"text\"} with string values.");
        }
        await inbound.HandleAsync(channel, update, ct);
        return TypedResults.Ok();
    }

    private static bool FixedTimeEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}

/// <summary>What a mock platform's webhook said: its receipts for messages we sent there, or one message from a platform user.</summary>
internal sealed record MetaUpdate(IReadOnlyList<(string PlatformId, string Status)> Receipts, (string Id, string From, string Text)? Message)
{
    /// <summary>Throws <see cref="JsonException"/> or <see cref="InvalidOperationException"/> when the body is not such JSON with string values.</summary>
    public static MetaUpdate Parse(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        if (root.TryGetProperty("statuses", out var statuses))
            return new MetaUpdate(statuses.EnumerateArray().Select(s => (s.GetProperty("id").GetString()!, s.GetProperty("status").GetString()!)).ToList(), null);
        if (root.TryGetProperty("from", out var from) && root.TryGetProperty("text", out var text) && root.TryGetProperty("id", out var id))
            return new MetaUpdate([], (id.GetString()!, from.GetString()!, text.GetString()!));
        return new MetaUpdate([], null);
    }
}
