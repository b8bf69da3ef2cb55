using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Frontend;

/// <summary>Read cursors and unread counts (docs/api.md, "Unread counts and read cursors").</summary>
internal static class ReadCursorsApi
{
    public static IEndpointRouteBuilder MapReadCursorsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/conversations/{conversationId}/read", MarkRead).WithTags("Conversations").RequireAuthorization(Scopes.MessagesRead)
            .DescribeBody<ReadRequest>("""{"up_to_seq":5}""")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/v1/unread", Unread).WithTags("Conversations").RequireAuthorization(Scopes.ConversationsRead)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        return app;
    }

    /// <summary>202 once the read is on chat.receipts; the cursor moves (forward only) when the Router records it.</summary>
    private static async Task<Results<Accepted<ReadResponse>, ProblemHttpResult>> MarkRead(
        string conversationId, HttpContext http, MarkReadHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.ReadRequest);
        if (problem is not null) return problem;
        var caller = http.User.Caller();
        var errors = new ValidationErrors();
        if (body!.UpToSeq is not >= 1) errors.Add("up_to_seq", "Is required: the sequence number read up to, 1 or more.");
        if (caller.IsClient && string.IsNullOrWhiteSpace(body.Member)) errors.Add("member", "Is required for a client: whose cursor to move.");
        if (errors.Any) return errors.ToProblem();
        return (await handler.MarkAsync(caller, conversationId, body, ct)).ToResult(http.Response, read =>
            TypedResults.Accepted($"/v1/conversations/{conversationId}", read));
    }

    private static async Task<Results<Ok<UnreadResponse>, ProblemHttpResult>> Unread(
        HttpContext http, UnreadHandler handler, [FromQuery] string? member, CancellationToken ct)
    {
        var caller = http.User.Caller();
        if (caller.IsClient && member is null) return Problems.Invalid("member", "Is required for a client: whose unread messages to count.");
        return (await handler.FindAsync(caller, member, ct)).ToResult(http.Response, unread => TypedResults.Ok(unread));
    }
}
