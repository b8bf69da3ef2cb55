using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>One conversation as its members see it (roles, when each joined), and each member's own archive of it.</summary>
internal sealed class ConversationDetailsHandler(IMessageStore store, Attribution attribution)
{
    public async Task<Outcome<ConversationDetails>> FindAsync(Caller caller, string conversationId, CancellationToken ct)
    {
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        if (!conversation.Members.Any(caller.MayActAs)) return new Refusal.Forbidden("conversation_id", "Only members may see a conversation.");
        var open = (await store.MembershipAsync(conversationId, ct)).Where(i => i.IsOpen).ToDictionary(i => i.Username);
        var details = conversation.Members.Select(m => open.TryGetValue(m, out var i) ? new MemberDetail(m, i.Role, i.JoinedAt) : new MemberDetail(m, null, conversation.CreatedAt))
            .ToList();
        var found = new ConversationDetails(conversation.ConversationId, conversation.Type, conversation.Title, conversation.Members, details, conversation.CreatedAt);
        if (!caller.IsClient && await store.FindActivityAsync(conversationId, caller.Subject, ct) is { } activity)
        {
            var view = ConversationResponse.Of(activity);
            found = found with { UnreadCount = view.UnreadCount, LastReadSeq = view.LastReadSeq, LastMessage = view.LastMessage };
        }
        return found.WithoutDeleted(await attribution.DeletedAmongAsync(found.NamesShown(), ct));
    }

    /// <summary>Hides (or shows again) the conversation in the actor's own list; it is theirs alone, so nothing goes on the log.</summary>
    public async Task<Outcome<bool>> ArchiveAsync(Caller caller, string? actor, string conversationId, bool archived, bool untilUnarchived, CancellationToken ct)
    {
        if (ChangeConversationHandler.ActorOf(caller, actor) is not { } who)
            return caller.IsClient && actor is null
                ? new Refusal.Invalid("actor", "Is required for a client: the member it acts for.")
                : new Refusal.Forbidden("actor", caller.IsClient ? $"This client may not act for '{actor}'." : "You can act only as yourself.");
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        if (!conversation.HasMember(who)) return new Refusal.Forbidden("conversation_id", "Only members may archive a conversation.");
        await store.SetArchivedAsync(conversationId, who, archived, untilUnarchived, ct);
        return archived;
    }
}
