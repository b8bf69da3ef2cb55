namespace Chat.Storage;

/// <summary>Users (and later channel mappings and webhook registrations): SQLite embedded, etcd distributed.</summary>
public interface IMetadataStore
{
    /// <summary>Creates the user unless the name (case-insensitive) is taken; of racing creators exactly one wins.</summary>
    Task<bool> TryCreateUserAsync(User user, CancellationToken cancellationToken = default);

    Task<User?> FindUserAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="usernames"/> are registered.</summary>
    Task<IReadOnlySet<string>> ExistingUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default);
}
