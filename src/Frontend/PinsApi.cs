using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Frontend;

/// <summary>
/// Pins (docs/api.md, "Pins"; issue 25): a pin or unpin is a message change, answered 202 once on the message
/// log and decided by the Router in order with the conversation's messages, where it becomes a system message.
/// </summary>
internal static class PinsApi
{
    public static IEndpointRouteBuilder MapPinsApi(this IEndpointRouteBuilder app)
    {
        var pin = app.MapGroup("/v1/messages/{messageId}/pin").WithTags("Messages").RequireAuthorization(Scopes.MessagesSend)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);
        pin.MapPut("/", Pin).DescribeBody<PinRequest>("""{"expires_at":"2026-12-24T18:00:00Z"}""");
        pin.MapDelete("/", Unpin);
        app.MapGet("/v1/conversations/{conversationId}/pins", List).WithTags("Conversations").RequireAuthorization(Scopes.MessagesRead)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The body is optional (none pins until unpinned); one that is sent names <c>expires_at</c>: a time, or null for until unpinned (as a mute's <c>until</c>).</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, ProblemHttpResult>> Pin(
        string messageId, HttpContext http, ChangeMessageHandler handler, [FromQuery] string? actor, CancellationToken ct)
    {
        DateTimeOffset? expiresAt = null;
        if (http.Request.ContentLength > 0 || http.Request.ContentType is not null)
        {
            var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.JsonObject);
            if (problem is not null) return problem;
            if (!body!.TryGetPropertyValue("expires_at", out var value))
                return Problems.Invalid("expires_at", "Is required in a body: a time in the future, or null to pin until unpinned (or send no body).");
            if (value is not null)
            {
                if (value.GetValueKind() != System.Text.Json.JsonValueKind.String
                    || !DateTimeOffset.TryParse(value.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
                    return Problems.Invalid("expires_at", "Must be a time (ISO 8601, e.g. 2026-12-24T18:00:00Z) or null.");
                expiresAt = time.ToUniversalTime();
            }
        }
        return Accepted(http, messageId, await handler.ChangeAsync(http.User.Caller(), actor, messageId, MessageChangeKinds.Pinned, null, null, ct, expiresAt));
    }

    private static async Task<Results<Accepted<ChangeAccepted>, ProblemHttpResult>> Unpin(
        string messageId, HttpContext http, ChangeMessageHandler handler, [FromQuery] string? actor, CancellationToken ct) =>
        Accepted(http, messageId, await handler.ChangeAsync(http.User.Caller(), actor, messageId, MessageChangeKinds.Unpinned, null, null, ct));

    private static Results<Accepted<ChangeAccepted>, ProblemHttpResult> Accepted(HttpContext http, string messageId, Outcome<string> outcome) =>
        outcome.ToResult(http.Response, eventId => TypedResults.Accepted($"/v1/messages/{messageId}/status", new ChangeAccepted(eventId)));

    private static async Task<Results<Ok<PinList>, ProblemHttpResult>> List(
        string conversationId, HttpContext http, PinsHandler handler, [FromQuery] string? member, CancellationToken ct) =>
        (await handler.ListAsync(http.User.Caller(), conversationId, member, ct)).ToResult(http.Response, pins => TypedResults.Ok(pins));
}

public sealed record PinRequest(DateTimeOffset? ExpiresAt);

public sealed record PinItem(PublicMessage Message, string PinnedBy, DateTimeOffset PinnedAt, DateTimeOffset? ExpiresAt);

public sealed record PinList(IReadOnlyList<PinItem> Items);

/// <summary>The pins that have not expired, of the messages the reader may read (within their membership).</summary>
internal sealed class PinsHandler(IMessageStore store, Attribution attribution, TimeProvider clock)
{
    public async Task<Outcome<PinList>> ListAsync(Caller caller, string conversationId, string? member, CancellationToken ct)
    {
        var reader = member?.Trim().ToLowerInvariant() ?? caller.Username?.ToLowerInvariant();
        if (reader is null) return new Refusal.Invalid("member", "Is required for a client: whose view to read.");
        if (!caller.MayActAs(reader)) return new Refusal.Forbidden("member", $"You may not read as '{reader}'.");
        var stretches = (await store.MembershipAsync(conversationId, ct)).Where(i => i.Username == reader).ToList();
        if (stretches.Count == 0) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}' that '{reader}' is in.");
        var pins = await store.PinsAsync(conversationId, clock.GetUtcNow(), ct);
        var readable = pins.Where(p => stretches.Any(i => i.Contains(p.Message.SequenceNumber))).ToList();
        var messages = readable.Select(p => PublicMessage.Of(p.Message, caller.Username?.ToLowerInvariant())).ToList();
        var gone = await attribution.DeletedAmongAsync(messages.SelectMany(m => m.NamesShown()).Concat(readable.Select(p => p.PinnedBy)), ct);
        return new PinList(readable.Select((p, i) => new PinItem(messages[i].Attributed(gone),
            gone.Contains(p.PinnedBy) ? PublicMessage.DeletedUser : p.PinnedBy, p.PinnedAt, p.ExpiresAt)).ToList());
    }
}
