using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Frontend;

/// <summary>
/// One conversation, its members and roles, and each member's archive (docs/api.md, "Groups and roles").
/// A change is answered 202 once it is on the message log; the Router makes it a system message.
/// </summary>
internal static class GroupsApi
{
    public const int MaxTitleLength = 200;

    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/conversations/{conversationId}").WithTags("Conversations")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        group.MapGet("/", Find).RequireAuthorization(Scopes.ConversationsRead);
        group.MapPatch("/", Rename).RequireAuthorization(Scopes.ConversationsWrite)
            .DescribeBody<RenameRequest>("""{"title":"Release crew"}""").ProducesProblems(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/members", Add).RequireAuthorization(Scopes.ConversationsWrite)
            .DescribeBody<AddMemberRequest>("""{"username":"carol"}""").ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/members/{username}", Remove).RequireAuthorization(Scopes.ConversationsWrite)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable);
        group.MapPut("/members/{username}", SetRole).RequireAuthorization(Scopes.ConversationsWrite)
            .DescribeBody<SetRoleRequest>("""{"role":"admin"}""").ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);
        group.MapPut("/archive", Archive).RequireAuthorization(Scopes.ConversationsWrite)
            .DescribeBody<ArchiveRequest>("""{"until_unarchived":false}""");
        group.MapDelete("/archive", Unarchive).RequireAuthorization(Scopes.ConversationsWrite).ProducesProblems(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<ConversationDetails>, ProblemHttpResult>> Find(
        string conversationId, HttpContext http, ConversationDetailsHandler handler, CancellationToken ct) =>
        (await handler.FindAsync(http.User.Caller(), conversationId, ct)).ToResult(http.Response, details => TypedResults.Ok(details));

    /// <summary>Owner or admin; groups only.</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, ProblemHttpResult>> Rename(
        string conversationId, HttpContext http, ChangeConversationHandler handler, [FromQuery] string? actor, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.RenameRequest);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(body!.Title)) return Problems.Invalid("title", "Is required: the group's new title.");
        if (body.Title.Length > MaxTitleLength) return Problems.Invalid("title", $"Must be at most {MaxTitleLength} characters.");
        if (body.Title.Any(char.IsControl)) return Problems.Invalid("title", "Must not contain control characters.");
        return Accepted(http, conversationId, await handler.ChangeAsync(http.User.Caller(), actor, conversationId, ChangeKinds.TitleChanged, null, null, body.Title, ct));
    }

    /// <summary>Owner or admin; the user must exist (404 naming <c>username</c>) and the group have room.</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, ProblemHttpResult>> Add(
        string conversationId, HttpContext http, ChangeConversationHandler handler, [FromQuery] string? actor, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.AddMemberRequest);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(body!.Username)) return Problems.Invalid("username", "Is required: who to add.");
        var username = body.Username.Trim().ToLowerInvariant();
        return Accepted(http, conversationId, await handler.ChangeAsync(http.User.Caller(), actor, conversationId, ChangeKinds.MemberAdded, username, null, null, ct));
    }

    /// <summary>Owner or admin removes; anyone may remove themselves (leave).</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, ProblemHttpResult>> Remove(
        string conversationId, string username, HttpContext http, ChangeConversationHandler handler, [FromQuery] string? actor, CancellationToken ct) =>
        Accepted(http, conversationId, await handler.ChangeAsync(http.User.Caller(), actor, conversationId, ChangeKinds.MemberRemoved,
            username.Trim().ToLowerInvariant(), null, null, ct));

    /// <summary>Owner only; <c>{"role":"owner"}</c> hands the group over (the old owner becomes an admin).</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, ProblemHttpResult>> SetRole(
        string conversationId, string username, HttpContext http, ChangeConversationHandler handler, [FromQuery] string? actor, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.SetRoleRequest);
        if (problem is not null) return problem;
        if (body!.Role is not { } role || !Roles.All.Contains(role))
            return Problems.Invalid("role", body.Role is null ? "Is required: 'owner', 'admin' or 'member'." : "Must be 'owner', 'admin' or 'member'.");
        return Accepted(http, conversationId, await handler.ChangeAsync(http.User.Caller(), actor, conversationId, ChangeKinds.RoleChanged,
            username.Trim().ToLowerInvariant(), role, null, ct));
    }

    /// <summary>Hidden from your list until a new message arrives, or for good with <c>until_unarchived</c>. The body is optional.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Archive(
        string conversationId, HttpContext http, ConversationDetailsHandler handler, [FromQuery] string? actor, CancellationToken ct)
    {
        var forGood = false;
        if (http.Request.ContentLength is > 0 || http.Request.HasJsonContentType())
        {
            var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.ArchiveRequest);
            if (problem is not null) return problem;
            forGood = body!.UntilUnarchived ?? false;
        }
        return (await handler.ArchiveAsync(http.User.Caller(), actor, conversationId, true, forGood, ct)).ToResult(http.Response, _ => TypedResults.NoContent());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Unarchive(
        string conversationId, HttpContext http, ConversationDetailsHandler handler, [FromQuery] string? actor, CancellationToken ct) =>
        (await handler.ArchiveAsync(http.User.Caller(), actor, conversationId, false, false, ct)).ToResult(http.Response, _ => TypedResults.NoContent());

    private static Results<Accepted<ChangeAccepted>, ProblemHttpResult> Accepted(HttpContext http, string conversationId, Outcome<string> outcome) =>
        outcome.ToResult(http.Response, eventId => TypedResults.Accepted($"/v1/conversations/{conversationId}", new ChangeAccepted(eventId)));
}
