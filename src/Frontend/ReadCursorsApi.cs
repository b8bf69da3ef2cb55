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
        app.MapPost("/v1/conversations/{conversationId}/unread", MarkUnread).WithTags("Conversations").RequireAuthorization(Scopes.MessagesRead)
            .DescribeBody<UnreadRequest>("""{"from_seq":3}""")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status503ServiceUnavailable);
        var setting = app.MapGroup("/v1/settings/read-receipts").WithTags("Conversations").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        setting.MapGet("", (HttpContext http, ReadReceiptsHandler handler, CancellationToken ct) => ReadReceipts(http, handler, null, ct));
        setting.MapPut("", SetReadReceipts).DescribeBody<ReadReceiptsSetting>("""{"private":true}""").ProducesProblems(StatusCodes.Status400BadRequest);
        app.MapPost("/v1/admin/conversations/{conversationId}/epoch", RenewEpoch).WithTags("Admin")
            .RequireAuthorization(p => p.RequireClaim("role", "admin"))
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
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

    /// <summary>202 once the mark is on chat.receipts; the cursor moves back (never forward) when the Router records it.</summary>
    private static async Task<Results<Accepted<UnreadMarked>, ProblemHttpResult>> MarkUnread(
        string conversationId, HttpContext http, MarkUnreadHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.UnreadRequest);
        if (problem is not null) return problem;
        var caller = http.User.Caller();
        var errors = new ValidationErrors();
        if (body!.FromSeq is not >= 1) errors.Add("from_seq", "Is required: the sequence number of the first message to show as unread again, 1 or more.");
        if (caller.IsClient && string.IsNullOrWhiteSpace(body.Member)) errors.Add("member", "Is required for a client: whose cursor to move.");
        if (errors.Any) return errors.ToProblem();
        return (await handler.MarkAsync(caller, conversationId, body, ct)).ToResult(http.Response, marked =>
            TypedResults.Accepted($"/v1/conversations/{conversationId}", marked));
    }

    private static async Task<Results<Ok<ReadReceiptsSetting>, ProblemHttpResult>> SetReadReceipts(HttpContext http, ReadReceiptsHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.ReadReceiptsSetting);
        if (problem is not null) return problem;
        if (body!.Private is not { } isPrivate) return Problems.Invalid("private", "Is required: true to read privately (no read receipts to others), false to send them.");
        return await ReadReceipts(http, handler, isPrivate, ct);
    }

    private static async Task<Results<Ok<ReadReceiptsSetting>, ProblemHttpResult>> ReadReceipts(
        HttpContext http, ReadReceiptsHandler handler, bool? isPrivate, CancellationToken ct)
    {
        var caller = http.User.Caller();
        var outcome = isPrivate is { } on ? await handler.SetAsync(caller, on, ct) : await handler.FindAsync(caller, ct);
        return outcome.ToResult(http.Response, setting => TypedResults.Ok(setting));
    }

    private static async Task<Results<Ok<EpochResponse>, ProblemHttpResult>> RenewEpoch(string conversationId, HttpContext http, RenewEpochHandler handler, CancellationToken ct) =>
        (await handler.RenewAsync(conversationId, ct)).ToResult(http.Response, epoch => TypedResults.Ok(epoch));

    private static async Task<Results<Ok<UnreadResponse>, ProblemHttpResult>> Unread(
        HttpContext http, UnreadHandler handler, [FromQuery] string? member, CancellationToken ct)
    {
        var caller = http.User.Caller();
        if (caller.IsClient && member is null) return Problems.Invalid("member", "Is required for a client: whose unread messages to count.");
        return (await handler.FindAsync(caller, member, ct)).ToResult(http.Response, unread => TypedResults.Ok(unread));
    }
}
