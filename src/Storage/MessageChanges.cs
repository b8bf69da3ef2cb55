using System.Globalization;
using System.Text;
using Chat.Shared;

namespace Chat.Storage;

/// <summary>The kinds of change to a stored message (issue 17), each an event on chat.messages.</summary>
public static class MessageChangeKinds
{
    public const string Edited = "message.edited";
    public const string Deleted = "message.deleted";
    public const string ReactionAdded = "reaction.added";
    public const string ReactionRemoved = "reaction.removed";
    public const string Pinned = "message.pinned";
    public const string Unpinned = "message.unpinned";

    public static readonly IReadOnlyList<string> All = [Edited, Deleted, ReactionAdded, ReactionRemoved, Pinned, Unpinned];

    public static bool IsReaction(string kind) => kind is ReactionAdded or ReactionRemoved;

    /// <summary>A pin or unpin (issue 25): it changes no message, it records the pin and adds a system message.</summary>
    public static bool IsPin(string kind) => kind is Pinned or Unpinned;
}

/// <summary>An edit, delete or reaction someone asked for, before it is decided.</summary>
/// <param name="Text">For an edit: the new text.</param>
/// <param name="Emoji">For a reaction: the one emoji.</param>
/// <param name="ExpiresAt">For a pin: when it ends by itself (null: when unpinned).</param>
public sealed record MessageChangeRequest(string Kind, string MessageId, string Actor, string? Text = null, string? Emoji = null, DateTimeOffset? ExpiresAt = null);

/// <summary>A change as it arrives on chat.messages: <see cref="EventId"/> names it, so a replay applies it once.</summary>
public sealed record MessageChangeEvent(string EventId, string ConversationId, MessageChangeRequest Request, DateTimeOffset AcceptedAt);

/// <summary>
/// <see cref="Applied"/>: the message changed. <see cref="Unchanged"/>: allowed, but there was nothing to
/// change (a reaction added twice, or removed when there was none). <see cref="Refused"/>: the state at its
/// position does not allow it, or its message is not stored (yet); only the refusal is recorded.
/// <see cref="Duplicate"/>: decided before (a replay), nothing changes.
/// </summary>
public enum MessageChangeOutcome { Applied, Unchanged, Refused, Duplicate, UnknownConversation }

/// <param name="Message">The message as it is now (applied, unchanged or a duplicate of either).</param>
/// <param name="Audience">Who hears of it: the members now whose membership holds the message.</param>
/// <param name="RefusedBecause">Refused, or a duplicate of a refused change: why.</param>
/// <param name="SystemMessage">A pin or unpin applied (or a duplicate of one): the system message that records it.</param>
public sealed record MessageChangeResult(MessageChangeOutcome Outcome, StoredMessage? Message = null, IReadOnlyList<string>? Audience = null,
    string? RefusedBecause = null, StoredMessage? SystemMessage = null);

/// <summary>A pinned message of a conversation, by whom and until when (null: until unpinned).</summary>
public sealed record Pin(StoredMessage Message, string PinnedBy, DateTimeOffset PinnedAt, DateTimeOffset? ExpiresAt);

public static class Pins
{
    /// <summary>The system message of a pin or unpin (its id the change's event id): from the actor, to the members now, its <c>target</c> the message.</summary>
    public static NewMessage SystemMessage(MessageChangeEvent change, IReadOnlyList<string> members) => new(
        change.EventId, change.ConversationId, change.Request.Actor, members, [Chat.Shared.Channels.App],
        new MessagePayload(MessagePayload.SystemType, null, null, System: new SystemEvent(change.Request.Kind, change.Request.Actor, change.Request.MessageId)),
        change.AcceptedAt);
}

/// <summary>One emoji on a message and who put it there, in the order they did.</summary>
public sealed record Reaction(string Emoji, IReadOnlyList<string> Users);

/// <summary>The message a reply answers, as it is now: its sender and the start of its text (or its file's name); nothing of a deleted one.</summary>
public sealed record ReplyQuote(string MessageId, string From, string? Text, bool Deleted);

/// <summary>
/// Who may edit, delete or react to a message, and when (docs/api.md, "Editing, deleting and reacting").
/// Written once, used twice: the Frontend's pre-check before its 202, and the Router's decision at the
/// change's position in the partition (a change the state there no longer allows is refused). The edit
/// window is measured from the message's <c>sent_at</c> to the change's <c>accepted_at</c>, so a replay
/// decides as the first pass did.
/// </summary>
public static class MessageRules
{
    public const int QuoteLength = 100;
    public const string EditWindowSetting = "Messages:EditWindow";

    /// <summary>What a conversation list shows for its newest message once that is deleted.</summary>
    public const string DeletedPreview = "Message deleted";

    /// <summary>The list preview of a message after an edit or a delete of it.</summary>
    public static string PreviewAfter(MessageChangeRequest change) =>
        change.Kind == MessageChangeKinds.Deleted ? DeletedPreview : LastMessage.PreviewOf(new MessagePayload("text", change.Text, null));

    /// <param name="message">The message named, or null when none is stored by that id.</param>
    /// <param name="intervals">The conversation's membership stretches.</param>
    public static Refusal? Check(Conversation conversation, IReadOnlyList<MemberInterval> intervals, StoredMessage? message, MessageChangeRequest change,
        TimeSpan editWindow, DateTimeOffset at)
    {
        var actor = intervals.Where(i => i.Username == change.Actor).ToList();
        // A message the actor cannot read is, to them, no message at all.
        if (message is null || message.ConversationId != conversation.ConversationId || !actor.Any(i => i.Contains(message.SequenceNumber)))
            return new Refusal.NotFound("message_id", $"No message '{change.MessageId}' that '{change.Actor}' can see.");
        if (!actor.Any(i => i.IsOpen)) return new Refusal.Forbidden("message_id", $"'{change.Actor}' is no longer a member of this conversation.");
        if (message.Payload.Type == MessagePayload.SystemType)
            return new Refusal.Invalid("message_id", "A system message cannot be edited, deleted or reacted to.");
        if (message.DeletedAt is not null) return new Refusal.Conflict("message_id", $"Message '{message.MessageId}' was deleted.");
        switch (change.Kind)
        {
            case MessageChangeKinds.Edited:
                if (message.From != change.Actor) return new Refusal.Forbidden("message_id", "Only its sender may edit a message.");
                if (message.Payload.Type != "text") return new Refusal.Invalid("message_id", "Only a text message can be edited.");
                if (at - message.SentAt > editWindow)
                    return new Refusal.Conflict(EditWindowSetting,
                        $"A message may be edited within {Describe(editWindow)} of being sent ({EditWindowSetting}); this one was sent at {message.SentAt:O}.");
                return null;
            case MessageChangeKinds.Deleted:
                if (message.From == change.Actor) return null;
                var role = actor.First(i => i.IsOpen).Role;
                return conversation.Type == Conversation.Group && role is Roles.Owner or Roles.Admin
                    ? null
                    : new Refusal.Forbidden("message_id", "Only its sender, or in a group the owner or an admin, may delete a message.");
            case MessageChangeKinds.ReactionAdded or MessageChangeKinds.ReactionRemoved:
                return IsSingleEmoji(change.Emoji) ? null : new Refusal.Invalid("emoji", "Must be one emoji.");
            case MessageChangeKinds.Pinned or MessageChangeKinds.Unpinned:
                // Either member of a direct conversation; in a group its owner and admins.
                if (conversation.Type == Conversation.Group && actor.First(i => i.IsOpen).Role is not (Roles.Owner or Roles.Admin))
                    return new Refusal.Forbidden("message_id", "In a group only its owner or an admin may pin or unpin a message.");
                return change.ExpiresAt is { } expires && expires <= at ? new Refusal.Invalid("expires_at", "Must be in the future.") : null;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Not a kind of message change.");
        }
    }

    /// <summary>The members now whose membership holds sequence number <paramref name="seq"/>: who sees a change to that message.</summary>
    public static IReadOnlyList<string> AudienceOf(IReadOnlyList<MemberInterval> intervals, long seq) =>
        intervals.Where(i => i.IsOpen && i.Contains(seq)).Select(i => i.Username).Distinct().ToList();

    /// <summary>
    /// One user-perceived character (a grapheme cluster: flags, skin tones and ZWJ sequences are one) that is
    /// an emoji: it holds a pictographic symbol, or is a keycap or a flag, and nothing that is a letter or digit on its own.
    /// </summary>
    public static bool IsSingleEmoji(string? emoji)
    {
        if (string.IsNullOrEmpty(emoji) || emoji.Length > 64 || StringInfo.GetNextTextElementLength(emoji) != emoji.Length) return false;
        var pictographic = false;
        foreach (var rune in emoji.EnumerateRunes())
        {
            var v = rune.Value;
            if (v is 0x200D or 0xFE0F or 0x20E3 || v is >= 0x1F3FB and <= 0x1F3FF || v is >= 0xE0020 and <= 0xE007F) continue; // joiners, variation, keycap, skin tones, tags
            if (v is >= 0x1F1E6 and <= 0x1F1FF || v is >= 0x1F000 and <= 0x1FAFF || v is >= 0x2600 and <= 0x27BF || v is >= 0x2B00 and <= 0x2BFF
                || v is >= 0x2300 and <= 0x23FF || v is >= 0x2190 and <= 0x21FF || v is 0x00A9 or 0x00AE or 0x203C or 0x2049 or 0x2122 or 0x2139 or 0x3030 or 0x303D or 0x3297 or 0x3299)
            {
                pictographic = true;
                continue;
            }
            // A keycap's base (0-9, #, *) counts only with the keycap mark, which the cluster check keeps together.
            if (v is >= '0' and <= '9' or '#' or '*' && emoji.EnumerateRunes().Any(r => r.Value == 0x20E3))
            {
                pictographic = true;
                continue;
            }
            return false;
        }
        return pictographic;
    }

    private static string Describe(TimeSpan window) => window.TotalHours >= 1 && window.TotalHours % 1 == 0 ? $"{window.TotalHours:0} h"
        : window.TotalMinutes >= 1 && window.TotalMinutes % 1 == 0 ? $"{window.TotalMinutes:0} min" : $"{window.TotalSeconds:0.###} s";

    /// <summary>The start of a message's text for a reply's quote, cut at a character boundary.</summary>
    public static string? Quote(string? text)
    {
        if (text is null || text.Length <= QuoteLength) return text;
        var cut = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext() && elements.ElementIndex + elements.GetTextElement().Length <= QuoteLength) cut = elements.ElementIndex + elements.GetTextElement().Length;
        return new StringBuilder(text, 0, cut, cut + 1).Append('…').ToString();
    }
}
