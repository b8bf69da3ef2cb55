using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Chat.Frontend;

/// <summary>
/// Editing, deleting and reacting to a stored message (docs/api.md, "Editing, deleting and reacting"). Each is
/// answered 202 <c>{"event_id"}</c> once it is on the message log; the Router applies it in order with the
/// conversation's messages and tells the members' sockets.
/// </summary>
internal static class MessageChangesApi
{
    public static IEndpointRouteBuilder MapMessageChangesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/messages/{messageId}").WithTags("Messages")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                StatusCodes.Status503ServiceUnavailable);
        group.MapPatch("/", Edit).RequireAuthorization(Scopes.MessagesSend).DescribeBody<EditMessageRequest>("""{"text":"Your order shipped today."}""");
        group.MapDelete("/", Delete).RequireAuthorization(Scopes.MessagesSend).ProducesProblems(StatusCodes.Status400BadRequest);
        group.MapPut("/reactions/{emoji}", React).RequireAuthorization(Scopes.MessagesSend).ProducesProblems(StatusCodes.Status400BadRequest);
        group.MapDelete("/reactions/{emoji}", Unreact).RequireAuthorization(Scopes.MessagesSend).ProducesProblems(StatusCodes.Status400BadRequest);
        return app;
    }

    /// <summary>The sender only, a text message only, within <c>Messages:EditWindow</c> of its sending.</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, ProblemHttpResult>> Edit(
        string messageId, HttpContext http, ChangeMessageHandler handler, IOptions<MessagesOptions> limits, [FromQuery] string? actor, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.EditMessageRequest);
        if (problem is not null) return problem;
        if (string.IsNullOrEmpty(body!.Text)) return Problems.Invalid("text", "Is required: the message's new text.");
        if (body.Text.Length > limits.Value.MaxTextLength) return Problems.Invalid("text", $"Must be at most {limits.Value.MaxTextLength} characters.");
        return Accepted(http, messageId, await handler.ChangeAsync(http.User.Caller(), actor, messageId, MessageChangeKinds.Edited, body.Text, null, ct));
    }

    /// <summary>The sender, or in a group the owner or an admin: the message becomes a tombstone for everyone.</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, ProblemHttpResult>> Delete(
        string messageId, HttpContext http, ChangeMessageHandler handler, [FromQuery] string? actor, CancellationToken ct) =>
        Accepted(http, messageId, await handler.ChangeAsync(http.User.Caller(), actor, messageId, MessageChangeKinds.Deleted, null, null, ct));

    /// <summary>One reaction per user per emoji: adding it again changes nothing.</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, ProblemHttpResult>> React(
        string messageId, string emoji, HttpContext http, ChangeMessageHandler handler, [FromQuery] string? actor, CancellationToken ct) =>
        !MessageRules.IsSingleEmoji(emoji)
            ? Problems.Invalid("emoji", "Must be one emoji (URL-encoded in the path).")
            : Accepted(http, messageId, await handler.ChangeAsync(http.User.Caller(), actor, messageId, MessageChangeKinds.ReactionAdded, null, emoji, ct));

    /// <summary>Removing a reaction there is not changes nothing.</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, ProblemHttpResult>> Unreact(
        string messageId, string emoji, HttpContext http, ChangeMessageHandler handler, [FromQuery] string? actor, CancellationToken ct) =>
        !MessageRules.IsSingleEmoji(emoji)
            ? Problems.Invalid("emoji", "Must be one emoji (URL-encoded in the path).")
            : Accepted(http, messageId, await handler.ChangeAsync(http.User.Caller(), actor, messageId, MessageChangeKinds.ReactionRemoved, null, emoji, ct));

    private static Results<Accepted<ChangeAccepted>, ProblemHttpResult> Accepted(HttpContext http, string messageId, Outcome<string> outcome) =>
        outcome.ToResult(http.Response, eventId => TypedResults.Accepted($"/v1/messages/{messageId}/status", new ChangeAccepted(eventId)));
}
