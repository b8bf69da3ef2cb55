using Chat.Shared;

namespace Chat.Storage;

/// <summary>What a decided change comes to: its system message's payload, what it does, and who hears of it.</summary>
/// <param name="Recipients">Everyone a member after the change, and whoever it removed (they see their removal, and nothing after).</param>
public sealed record DecidedChange(SystemEvent Event, IReadOnlyList<MembershipEffect> Effects, IReadOnlyList<string> Recipients, IReadOnlyList<string> MembersAfter);

/// <summary>
/// Who may change a group, and how (docs/api.md, "Groups and roles"). Written once, used twice: the
/// Frontend's pre-check before its 202, and the Router's decision at the change's position in the
/// partition, where the order is (a change the state no longer allows there is refused).
/// </summary>
public static class GroupRules
{
    public const int MaxMembers = 1000;

    /// <param name="intervals">The conversation's membership stretches (<see cref="IMessageStore.MembershipAsync"/>).</param>
    public static Outcome<DecidedChange> Decide(Conversation conversation, IReadOnlyList<MemberInterval> intervals, ChangeRequest change)
    {
        if (conversation.Type != Conversation.Group)
            return new Refusal.Invalid("conversation_id", "A direct conversation has no roles, title or membership changes.");
        var open = intervals.Where(i => i.IsOpen).OrderBy(i => i.JoinedSeq).ToList();
        var actor = open.FirstOrDefault(i => i.Username == change.Actor);
        if (actor is null) return new Refusal.Forbidden("conversation_id", $"'{change.Actor}' is not a member of this conversation.");
        var managing = actor.Role is Roles.Owner or Roles.Admin;
        var target = change.Target is { } name ? open.FirstOrDefault(i => i.Username == name) : null;
        var members = open.Select(i => i.Username).ToList();

        switch (change.Kind)
        {
            case ChangeKinds.TitleChanged:
                if (!managing) return new Refusal.Forbidden("title", "Only the owner or an admin may rename the group.");
                return Decided(new SystemEvent(change.Kind, change.Actor, Title: change.Title), [new MembershipEffect.SetTitle(change.Title!)], members, []);

            case ChangeKinds.MemberAdded:
                if (!managing) return new Refusal.Forbidden("username", "Only the owner or an admin may add members.");
                if (target is not null) return new Refusal.Conflict("username", $"'{change.Target}' is a member already.");
                if (members.Count >= MaxMembers) return new Refusal.Conflict("username", $"The group has {MaxMembers} members, the most a group may have.");
                return Decided(new SystemEvent(change.Kind, change.Actor, change.Target), [new MembershipEffect.Join(change.Target!, Roles.Member)],
                    [.. members, change.Target!], []);

            case ChangeKinds.MemberLeft:
                if (change.Target != change.Actor) return new Refusal.Invalid("username", "Leaving is removing yourself.");
                var stay = members.Where(m => m != change.Actor).ToList();
                if (actor.Role != Roles.Owner || stay.Count == 0)
                    return Decided(new SystemEvent(change.Kind, change.Actor, change.Actor), [new MembershipEffect.Leave(change.Actor)], stay, [change.Actor]);
                // The owner leaves: the longest-standing admin, else the longest-standing member, owns the group now.
                var heir = open.Where(i => i.Username != change.Actor).OrderBy(i => i.Role == Roles.Admin ? 0 : 1).ThenBy(i => i.JoinedSeq).First().Username;
                return Decided(new SystemEvent(change.Kind, change.Actor, change.Actor, NewOwner: heir),
                    [new MembershipEffect.Leave(change.Actor), new MembershipEffect.SetRole(heir, Roles.Owner)], stay, [change.Actor]);

            case ChangeKinds.MemberRemoved:
                if (!managing) return new Refusal.Forbidden("username", "Only the owner or an admin may remove others; anyone may remove themselves.");
                if (target is null) return new Refusal.NotFound("username", $"'{change.Target}' is not a member of this conversation.");
                if (target.Role == Roles.Owner) return new Refusal.Forbidden("username", "No one may remove the owner; the owner may leave.");
                if (target.Role == Roles.Admin && actor.Role != Roles.Owner) return new Refusal.Forbidden("username", "Only the owner may remove an admin.");
                return Decided(new SystemEvent(change.Kind, change.Actor, change.Target), [new MembershipEffect.Leave(change.Target!)],
                    members.Where(m => m != change.Target).ToList(), [change.Target!]);

            case ChangeKinds.RoleChanged:
                if (change.Role is null || !Roles.All.Contains(change.Role)) return new Refusal.Invalid("role", "Must be 'owner', 'admin' or 'member'.");
                if (actor.Role != Roles.Owner) return new Refusal.Forbidden("role", "Only the owner may change roles.");
                if (target is null) return new Refusal.NotFound("username", $"'{change.Target}' is not a member of this conversation.");
                if (target.Username == change.Actor)
                    return new Refusal.Invalid("username", "The owner's own role changes only by giving ownership to another member ({\"role\":\"owner\"}).");
                if (target.Role == change.Role) return new Refusal.Conflict("role", $"'{change.Target}' is {change.Role} already.");
                IReadOnlyList<MembershipEffect> effects = change.Role == Roles.Owner
                    ? [new MembershipEffect.SetRole(target.Username, Roles.Owner), new MembershipEffect.SetRole(change.Actor, Roles.Admin)]
                    : [new MembershipEffect.SetRole(target.Username, change.Role!)];
                return Decided(new SystemEvent(change.Kind, change.Actor, change.Target, change.Role), effects, members, []);

            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Not a kind of change.");
        }
    }

    private static DecidedChange Decided(SystemEvent e, IReadOnlyList<MembershipEffect> effects, IReadOnlyList<string> membersAfter, IReadOnlyList<string> removed) =>
        new(e, effects, membersAfter.Concat(removed).Distinct().ToList(), membersAfter);

    /// <summary>
    /// The stretches after <paramref name="effects"/>, made by the system message numbered <paramref name="seq"/>
    /// (for an adapter that keeps the stretches as one list; SQLite updates its rows instead).
    /// </summary>
    public static List<MemberInterval> ApplyEffects(IReadOnlyList<MemberInterval> intervals, IReadOnlyList<MembershipEffect> effects, long seq, DateTimeOffset at)
    {
        var result = intervals.ToList();
        foreach (var effect in effects)
        {
            var open = effect switch
            {
                MembershipEffect.Leave(var u) => result.FindIndex(i => i.Username == u && i.IsOpen),
                MembershipEffect.SetRole(var u, _) => result.FindIndex(i => i.Username == u && i.IsOpen),
                _ => -1,
            };
            switch (effect)
            {
                case MembershipEffect.Join(var username, var role):
                    result.Add(new MemberInterval(username, role, seq, null, at));
                    break;
                case MembershipEffect.Leave when open >= 0:
                    result[open] = result[open] with { LeftSeq = seq + 1 };
                    break;
                case MembershipEffect.SetRole(_, var role) when open >= 0:
                    result[open] = result[open] with { Role = role };
                    break;
            }
        }
        return result;
    }

    /// <summary>The stretches of everyone <paramref name="mayReadAs"/> accepts: what a reader acting for them may see.</summary>
    public static IReadOnlyList<MemberInterval> VisibleTo(IReadOnlyList<MemberInterval> intervals, Func<string, bool> mayReadAs) =>
        intervals.Where(i => mayReadAs(i.Username)).ToList();
}
