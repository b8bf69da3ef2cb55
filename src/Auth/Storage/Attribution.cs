using Chat.Storage;

namespace Chat.Auth;

/// <summary>
/// Shows a deleted account as <see cref="PublicMessage.DeletedUser"/> in whatever a reader is given: one
/// <see cref="IUserDirectory.DeletedUsersAsync"/> per answer, over the names it holds. Decided at read time
/// rather than rewritten in the message store, so a deletion touches no history and every reader (REST,
/// <c>sync</c>, live frames) sees the same. A name never comes back once deleted, so nothing can go stale.
/// </summary>
public sealed class Attribution(IUserDirectory users)
{
    public async Task<IReadOnlyList<PublicMessage>> OfAsync(IReadOnlyList<PublicMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0) return messages;
        var deleted = await DeletedInAsync(messages, cancellationToken);
        return deleted.Count == 0 ? messages : messages.Select(m => m.Attributed(deleted)).ToList();
    }

    /// <summary>The deleted accounts among the names <paramref name="messages"/> show, for <see cref="PublicMessage.Attributed"/>.</summary>
    public Task<IReadOnlySet<string>> DeletedInAsync(IEnumerable<PublicMessage> messages, CancellationToken cancellationToken) =>
        users.DeletedUsersAsync(messages.SelectMany(m => m.NamesShown()), cancellationToken);

    /// <summary>Which of <paramref name="names"/> are deleted accounts (for member lists and previews).</summary>
    public Task<IReadOnlySet<string>> DeletedAmongAsync(IEnumerable<string> names, CancellationToken cancellationToken) =>
        users.DeletedUsersAsync(names, cancellationToken);
}
