using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>What a thread reply and a message's mentions must be (docs/api.md, "Threads" and "Mentions"; issue 25).</summary>
internal static class ThreadAndMentionRules
{
    public static void CheckShape(SendMessageRequest body, MentionsOptions limits, ValidationErrors errors)
    {
        if (body.ThreadRoot is not null && !Ids.IsValidClientId(body.ThreadRoot))
            errors.Add("thread_root", "Must be the message_id of a message of this conversation.");
        if (body.AlsoSendToConversation == true && body.ThreadRoot is null)
            errors.Add("also_send_to_conversation", "Is for a thread reply only: send it with thread_root.");
        if (body.Payload?.Mentions is not { } mentions) return;
        if (mentions.Count > limits.MaxMentions) errors.Add("payload.mentions", $"Must name at most {limits.MaxMentions}.");
        for (var i = 0; i < mentions.Count; i++)
            if (string.IsNullOrWhiteSpace(mentions[i])) errors.Add($"payload.mentions[{i}]", "Must be a member's username, \"@here\" or \"@all\".");
    }

    /// <summary>The root a reply may join: a message of the conversation the sender can read, itself no thread reply and no system message.</summary>
    public static async Task<Refusal?> CheckThreadRootAsync(IMessageStore store, string rootId, Conversation conversation, string from, CancellationToken ct)
    {
        var root = await store.FindMessageAsync(rootId, ct);
        if (root is null || root.ConversationId != conversation.ConversationId
            || !(await store.MembershipAsync(conversation.ConversationId, ct)).Any(i => i.Username == from && i.Contains(root.SequenceNumber)))
            return new Refusal.NotFound("thread_root", $"No message '{rootId}' in this conversation that '{from}' can see.");
        if (root.ThreadRoot is not null)
            return new Refusal.Invalid("thread_root", $"'{rootId}' is a reply in the thread of '{root.ThreadRoot}': reply to that root instead.");
        if (root.Payload.Type == MessagePayload.SystemType) return new Refusal.Invalid("thread_root", "A system message cannot start a thread.");
        return null;
    }

    /// <summary>
    /// The mentions normalised (lower case, each once): named ones must be members; <c>@here</c>/<c>@all</c> are for groups,
    /// and <c>@all</c> in a group of more than <see cref="MentionsOptions.AllLimit"/> members is for its owner and admins.
    /// </summary>
    public static async Task<Outcome<IReadOnlyList<string>>> MentionsAsync(IMessageStore store, List<string?> mentions, Conversation conversation, string from,
        MentionsOptions limits, CancellationToken ct)
    {
        var result = new List<string>();
        var errors = new ValidationErrors();
        for (var i = 0; i < mentions.Count; i++)
        {
            var name = mentions[i]!.Trim().ToLowerInvariant();
            if (MentionRules.IsEveryone(name) && conversation.Type != Conversation.Group)
                errors.Add($"payload.mentions[{i}]", $"'{name}' is for groups; in a direct conversation name the member.");
            else if (!MentionRules.IsEveryone(name) && !conversation.HasMember(name))
                errors.Add($"payload.mentions[{i}]", $"'{mentions[i]}' is not a member of this conversation.");
            else if (!result.Contains(name)) result.Add(name);
        }
        if (errors.Any) return new Refusal.Invalid(errors);
        if (result.Contains(MentionRules.All) && conversation.Members.Count > limits.AllLimit)
        {
            var role = (await store.MembershipAsync(conversation.ConversationId, ct)).FirstOrDefault(i => i.Username == from && i.IsOpen)?.Role;
            if (role is not (Roles.Owner or Roles.Admin))
                return new Refusal.Forbidden("payload.mentions",
                    $"In a group of more than {limits.AllLimit} members only its owner and admins may mention @all; mention people by name, or @here.");
        }
        return Outcome.Done<IReadOnlyList<string>>(result);
    }
}
