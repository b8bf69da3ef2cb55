using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Chat.Frontend;

internal static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<MessagesOptions>>().Value;
        var group = app.MapGroup("/v1/messages").WithTags("Messages").ProducesProblems(StatusCodes.Status401Unauthorized);
        group.MapPost("/", Send).RequireAuthorization(Scopes.MessagesSend).WithMetadata(new RequestSizeLimitAttribute(limits.MaxRequestBytes))
            .DescribeBody<SendMessageRequest>(
                """{"message_id":"order-1042-confirmation","conversation_id":"0196f1c2-7b1a-7c3e-9a55-2f4f1d0e8a11","from":"alice","to":["bob"],"channels":["app","telegram"],"payload":{"type":"text","text":"Your order shipped."}}""")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status429TooManyRequests,
                StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{messageId}/status", Status).RequireAuthorization(Scopes.MessagesRead)
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>202 only once the event is on the broker; 503 with Retry-After when the broker cannot take it.</summary>
    private static async Task<Results<Accepted<SendMessageResponse>, ProblemHttpResult>> Send(
        HttpContext http, SendMessageHandler handler, IOptions<MessagesOptions> options, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.SendMessageRequest);
        if (problem is not null) return problem;
        var errors = SendMessageRules.CheckShape(body!, options.Value);
        if (errors.Any) return errors.ToProblem();
        var outcome = await handler.SendAsync(http.User.Caller(), body!, ct);
        return outcome.ToResult(http.Response, message =>
            TypedResults.Accepted($"/v1/messages/{message.MessageId}/status", new SendMessageResponse(message.MessageId, MessageStatus.Accepted)));
    }

    /// <summary>Visible to the conversation's members; "accepted" while the Router has not stored it yet.</summary>
    private static async Task<Results<Ok<MessageStatusResponse>, ProblemHttpResult>> Status(
        string messageId, HttpContext http, MessageStatusHandler handler, CancellationToken ct) =>
        (await handler.FindAsync(http.User.Caller(), messageId, ct)).ToResult(http.Response, status => TypedResults.Ok(status));
}
