namespace Chat.Storage;

/// <summary>Users, refresh tokens, integrator clients and channel mappings: SQLite embedded, etcd distributed.</summary>
public interface IMetadataStore
{
    /// <summary>Creates the user unless the name (case-insensitive) is taken; of racing creators exactly one wins.</summary>
    Task<bool> TryCreateUserAsync(User user, CancellationToken cancellationToken = default);

    Task<User?> FindUserAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="usernames"/> are registered.</summary>
    Task<IReadOnlySet<string>> ExistingUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default);

    Task StoreRefreshTokenAsync(RefreshToken token, CancellationToken cancellationToken = default);

    Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Marks an unused token used; of racing callers exactly one gets true.</summary>
    Task<bool> UseRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default);

    Task RevokeTokenFamilyAsync(string familyId, CancellationToken cancellationToken = default);

    Task<bool> IsTokenFamilyRevokedAsync(string familyId, CancellationToken cancellationToken = default);

    /// <summary>Creates the client unless its id is taken.</summary>
    Task<bool> TryCreateClientAsync(IntegratorClient client, CancellationToken cancellationToken = default);

    Task<IntegratorClient?> FindClientAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the user's mapping for that channel.</summary>
    Task SetChannelMappingAsync(ChannelMapping mapping, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ChannelMapping>> ChannelMappingsAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>False when there was nothing to delete.</summary>
    Task<bool> DeleteChannelMappingAsync(string username, string channel, CancellationToken cancellationToken = default);

    /// <summary>Who is <paramref name="externalId"/> on <paramref name="channel"/> (for inbound platform messages).</summary>
    Task<string?> FindUserByChannelAsync(string channel, string externalId, CancellationToken cancellationToken = default);

    Task CreateWebhookAsync(WebhookRegistration webhook, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<WebhookRegistration>> WebhooksAsync(CancellationToken cancellationToken = default);

    Task<bool> DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default);

    Task DisableWebhookAsync(string webhookId, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a file's record (its <see cref="FileRecord.SharedIn"/> is ignored: shares are added one by one).</summary>
    Task PutFileAsync(FileRecord file, CancellationToken cancellationToken = default);

    /// <summary>The file with every conversation it was shared in, or null.</summary>
    Task<FileRecord?> FindFileAsync(string fileId, CancellationToken cancellationToken = default);

    Task<bool> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default);

    /// <summary>Records that a message carried the file to the conversation; safe to repeat, and concurrent shares all stick.</summary>
    Task ShareFileAsync(string fileId, string conversationId, CancellationToken cancellationToken = default);
}
