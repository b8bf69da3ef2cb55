using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>
/// Creating a conversation whose request passed its shape check. A user is always a member; a client
/// creates on behalf of a member it may act for. A direct conversation between the same two users
/// is the existing one (<see cref="NewConversation.Created"/> false), not a second.
/// </summary>
internal sealed class CreateConversationHandler(IMessageStore store, IUserDirectory metadata, IBlockDirectory blocks, Allowances allowances, TimeProvider clock)
{
    public const int MaxGroupMembers = 1000;

    public async Task<Outcome<NewConversation>> CreateAsync(Caller caller, CreateConversationRequest body, CancellationToken ct)
    {
        var named = body.Members!.Select(m => m!.Trim().ToLowerInvariant());
        var members = (caller.Username is { } self ? named.Prepend(self) : named).Distinct().ToList();
        var creator = members.FirstOrDefault(caller.MayActAs);
        if (creator is null) return new Refusal.Forbidden("members", "This client may act for none of these members.");
        if (body.Type == Conversation.Direct && members.Count != 2)
            return new Refusal.Invalid("members", "A direct conversation has exactly two members: you and one other user.");
        if (body.Type == Conversation.Group && members.Count is < 2 or > MaxGroupMembers)
            return new Refusal.Invalid("members", $"A group has 2 to {MaxGroupMembers} members.");
        var known = await metadata.ExistingUsersAsync(members, ct);
        var errors = new ValidationErrors();
        for (var i = 0; i < body.Members!.Count; i++)
            if (!known.Contains(body.Members[i]!.Trim()))
                errors.Add($"members[{i}]", $"No user '{body.Members[i]}' exists.");
        if (errors.Any) return new Refusal.Invalid(errors);
        if (body.Type == Conversation.Direct && members.FirstOrDefault(m => m != creator) is { } other && await blocks.HasBlockedAsync(other, creator, ct))
            return new Refusal.Forbidden("members", $"'{other}' does not accept a direct conversation with '{creator}'.");

        if (await allowances.TakeConversationAsync(caller, ct) is { } limited) return limited;
        var draft = new Conversation(Ids.New(), body.Type!, members, body.Type == Conversation.Group ? body.Title : null, creator, clock.GetUtcNow());
        var (conversation, created) = await store.CreateConversationAsync(draft, ct);
        if (!created) await allowances.GiveBackConversationAsync(caller);
        return new NewConversation(conversation, created);
    }
}

/// <param name="Created">False when an existing direct conversation between the same two users was found instead.</param>
internal sealed record NewConversation(Conversation Conversation, bool Created);
