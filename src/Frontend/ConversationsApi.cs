using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Frontend;

public static class ConversationsApi
{
    private const int MaxGroupMembers = 1000;

    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/conversations").WithTags("Conversations");
        group.MapPost("/", Create).DescribeBody<CreateConversationRequest>("""{"type":"direct","members":["alice","bob"]}""");
        group.MapGet("/", List);
        group.MapGet("/{conversationId}/messages", History);
        return app;
    }

    /// <summary>The caller is always a member; a direct conversation between the same two users is returned (200), not duplicated.</summary>
    private static async Task<Results<Created<ConversationResponse>, Ok<ConversationResponse>, ProblemHttpResult>> Create(
        HttpRequest request, HttpContext http, IMessageStore store, IUserDirectory metadata, TimeProvider clock, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, FrontendJsonContext.Default.CreateConversationRequest);
        if (problem is not null) return problem;
        var caller = http.User.Caller();
        if (!caller.Has(Scopes.ConversationsWrite)) return Problems.Forbidden($"This client's token lacks the {Scopes.ConversationsWrite} scope.", "scope");
        var errors = new ValidationErrors();
        if (body!.Type is not (Conversation.Direct or Conversation.Group))
            errors.Add("type", body.Type is null ? "Is required: 'direct' or 'group'." : "Must be 'direct' or 'group'.");
        if (body.Members is null) errors.Add("members", "Is required: the usernames of the members.");
        else
            for (var i = 0; i < body.Members.Count; i++)
                if (string.IsNullOrWhiteSpace(body.Members[i])) errors.Add($"members[{i}]", "Must be a username.");
        if (body.Title is { Length: > 200 }) errors.Add("title", "Must be at most 200 characters.");
        if (errors.Any) return errors.ToProblem();

        // A user is always a member; a client creates on behalf of a member it may act for.
        var named = body.Members!.Select(m => m!.Trim().ToLowerInvariant());
        var members = (caller.Username is { } self ? named.Prepend(self) : named).Distinct().ToList();
        var creator = members.FirstOrDefault(caller.MayActAs);
        if (creator is null) return Problems.Forbidden("This client may act for none of these members.", "members");
        if (body.Type == Conversation.Direct && members.Count != 2)
            return Problems.Invalid("members", "A direct conversation has exactly two members: you and one other user.");
        if (body.Type == Conversation.Group && members.Count is < 2 or > MaxGroupMembers)
            return Problems.Invalid("members", $"A group has 2 to {MaxGroupMembers} members.");
        var known = await metadata.ExistingUsersAsync(members, ct);
        for (var i = 0; i < body.Members!.Count; i++)
            if (!known.Contains(body.Members[i]!.Trim()))
                errors.Add($"members[{i}]", $"No user '{body.Members[i]}' exists.");
        if (errors.Any) return errors.ToProblem();

        var draft = new Conversation(Ids.New(), body.Type!, members, body.Type == Conversation.Group ? body.Title : null, creator, clock.GetUtcNow());
        var (conversation, created) = await store.CreateConversationAsync(draft, ct);
        var response = ConversationResponse.Of(conversation);
        return created ? TypedResults.Created($"/v1/conversations/{conversation.ConversationId}", response) : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ConversationPage>, ProblemHttpResult>> List(
        HttpContext http, IMessageStore store, [FromQuery] string? member, [FromQuery] string? cursor, [FromQuery] string? limit, CancellationToken ct)
    {
        var caller = http.User.Caller();
        var errors = new ValidationErrors();
        var size = (int)QueryParameters.Long(limit, "limit", 50, 1, 200, errors);
        if (cursor is not null && !Guid.TryParse(cursor, out _)) errors.Add("cursor", "Is not a cursor this API returned.");
        if (caller.IsClient && member is null) errors.Add("member", "Is required for a client: whose conversations to list.");
        if (errors.Any) return errors.ToProblem();
        if (!caller.Has(Scopes.ConversationsRead)) return Problems.Forbidden($"This client's token lacks the {Scopes.ConversationsRead} scope.", "scope");
        var whose = member?.ToLowerInvariant() ?? caller.Username!;
        if (!caller.MayActAs(whose)) return Problems.Forbidden("You can list only your own conversations.", "member");

        var page = await store.ListConversationsAsync(whose, cursor, size + 1, ct);
        var items = page.Take(size).Select(ConversationResponse.Of).ToList();
        return TypedResults.Ok(new ConversationPage(items, page.Count > size ? items[^1].ConversationId : null));
    }

    private static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> History(
        string conversationId, HttpContext http, IMessageStore store,
        [FromQuery(Name = "after_seq")] string? afterSeq, [FromQuery] string? limit, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var after = QueryParameters.Long(afterSeq, "after_seq", 0, 0, long.MaxValue, errors);
        var size = (int)QueryParameters.Long(limit, "limit", 100, 1, 500, errors);
        if (errors.Any) return errors.ToProblem();
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null) return Problems.NotFound($"No conversation '{conversationId}'.", "conversation_id");
        var caller = http.User.Caller();
        if (!caller.Has(Scopes.MessagesRead)) return Problems.Forbidden($"This client's token lacks the {Scopes.MessagesRead} scope.", "scope");
        if (!conversation.Members.Any(caller.MayActAs)) return Problems.Forbidden("Only members may read a conversation.", "conversation_id");

        var messages = await store.GetMessagesAsync(conversationId, after, size, ct);
        return TypedResults.Ok(new MessagePage(messages.Select(PublicMessage.Of).ToList(), messages.Count > 0 ? messages[^1].SequenceNumber : after));
    }
}
