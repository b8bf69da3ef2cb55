using Chat.Files;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Chat.Frontend;

public static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<MessagesOptions>>().Value;
        var group = app.MapGroup("/v1/messages").WithTags("Messages");
        group.MapPost("/", Send).WithMetadata(new RequestSizeLimitAttribute(limits.MaxRequestBytes)).DescribeBody<SendMessageRequest>(
            """{"message_id":"order-1042-confirmation","conversation_id":"0196f1c2-7b1a-7c3e-9a55-2f4f1d0e8a11","from":"alice","to":["bob"],"channels":["app","telegram"],"payload":{"type":"text","text":"Your order shipped."}}""");
        group.MapGet("/{messageId}/status", Status);
        return app;
    }

    /// <summary>202 only once the event is on the broker; 503 with Retry-After when the broker cannot take it.</summary>
    private static async Task<Results<Accepted<SendMessageResponse>, ProblemHttpResult>> Send(
        HttpRequest request, HttpContext http, ConversationCache conversations, MessageSender sender, IOptions<MessagesOptions> options,
        IFileDirectory metadata, IMessageStore store, TimeProvider clock, ILogger<MessageSender> logger, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, FrontendJsonContext.Default.SendMessageRequest);
        if (problem is not null) return problem;
        var errors = SendMessageRules.CheckShape(body!, options.Value);
        if (errors.Any) return errors.ToProblem();

        var caller = http.User.Caller();
        if (!caller.Has(Scopes.MessagesSend)) return Problems.Forbidden($"This client's token lacks the {Scopes.MessagesSend} scope.", "scope");
        if (!caller.MayActAs(body!.From))
            return Problems.Forbidden(caller.IsClient ? $"This client may not act for '{body.From}'." : $"You are '{caller.Subject}' and can send only as yourself.", "from");
        var from = body.From!.Trim().ToLowerInvariant();
        var conversation = await conversations.FindAsync(body.ConversationId!, ct);
        if (conversation is null) return Problems.NotFound($"No conversation '{body.ConversationId}'.", "conversation_id");
        if (!conversation.HasMember(from)) return Problems.Forbidden("Only members may send to a conversation.", "from");
        var recipients = SendMessageRules.Recipients(body, conversation, from, errors);
        if (errors.Any) return errors.ToProblem();

        FileSummary? file = null;
        if (body.Payload!.FileId is { } fileId && body.Payload.Type == "file")
        {
            // Whether the upload completed is the Router's to decide (it fails the message if not); here only: may the sender pass it on?
            var record = await metadata.FindFileAsync(fileId, ct);
            if (record is null || !await record.MayReadAsync(caller, store, ct)) return Problems.NotFound($"No file '{fileId}' that '{from}' may send.", "payload.file_id");
            file = new FileSummary(record.FileName, record.ContentType, record.Size, record.Sha256);
        }

        var message = new NewMessage(
            body.MessageId ?? Ids.New(), conversation.ConversationId, from, recipients,
            body.Channels is { Count: > 0 } channels ? channels.Select(c => c!).Distinct().ToList() : [Channels.App],
            new MessagePayload(body.Payload.Type!, body.Payload.Text, body.Payload.Type == "file" ? body.Payload.FileId : null, file), clock.GetUtcNow());
        try
        {
            await sender.SendAsync(message, ct);
        }
        catch (KafkaException e)
        {
            logger.LogWarning("Message {MessageId} refused: the broker did not take it ({Reason})", message.MessageId, e.Error.Reason);
            http.Response.Headers.RetryAfter = "5";
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                $"The message log cannot take messages right now; nothing was accepted. Retry after 5 seconds with message_id '{message.MessageId}', so a retry can never make two.");
        }
        logger.LogDebug("Accepted message {MessageId} from {From} into {ConversationId}", message.MessageId, from, message.ConversationId);
        return TypedResults.Accepted($"/v1/messages/{message.MessageId}/status", new SendMessageResponse(message.MessageId, MessageStatus.Accepted));
    }

    /// <summary>Visible to the conversation's members; "accepted" while the Router has not stored it yet.</summary>
    private static async Task<Results<Ok<MessageStatusResponse>, ProblemHttpResult>> Status(
        string messageId, HttpContext http, IMessageStore store, AcceptedMessages accepted, CancellationToken ct)
    {
        var caller = http.User.Caller();
        var notFound = Problems.NotFound($"No message '{messageId}' that you can see.", "message_id");
        if (!caller.Has(Scopes.MessagesRead)) return Problems.Forbidden($"This client's token lacks the {Scopes.MessagesRead} scope.", "scope");
        var view = await store.GetStatusAsync(messageId, ct);
        if (view is null)
        {
            return accepted.Find(messageId) is { } pending && caller.MayActAs(pending.From)
                ? TypedResults.Ok(new MessageStatusResponse(pending.MessageId, pending.ConversationId, null, MessageStatus.Accepted, [],
                    [new StatusHistoryEntry(MessageStatus.Accepted, pending.AcceptedAt, null, null, null)]))
                : notFound;
        }
        var conversation = await store.FindConversationAsync(view.Message.ConversationId, ct);
        if (conversation is null || !conversation.Members.Any(caller.MayActAs)) return notFound;
        return TypedResults.Ok(new MessageStatusResponse(
            view.Message.MessageId, view.Message.ConversationId, view.Message.SequenceNumber, view.Status,
            view.Recipients.Select(r => new RecipientStatusResponse(r.Username, r.Channel, r.Status, r.UpdatedAt)).ToList(),
            view.History.Select(h => new StatusHistoryEntry(h.Status, h.At, h.Recipient, h.Channel, h.Detail)).ToList()));
    }
}
