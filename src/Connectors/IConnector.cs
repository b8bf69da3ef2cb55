namespace Chat.Connectors;

/// <summary>What a platform said to one send: accepted (with its message id), or why not.</summary>
/// <param name="Permanent">Retrying cannot help (the recipient does not exist there, the bot is blocked, …).</param>
/// <param name="RetryAfter">The platform asked us to wait this long (Telegram's 429 retry_after).</param>
public sealed record SendResult(bool Delivered, string? PlatformMessageId = null, string? Error = null, bool Permanent = false, TimeSpan? RetryAfter = null)
{
    public static SendResult Accepted(string platformMessageId) => new(true, platformMessageId);
    public static SendResult Failed(string error, bool permanent = false, TimeSpan? retryAfter = null) => new(false, null, error, permanent, retryAfter);
}

/// <summary>One external platform. Implementations do one attempt; retries and the breaker are the worker's.</summary>
public interface IConnector
{
    string Channel { get; }

    /// <param name="reference">Our id for this delivery; a platform that echoes a reference in its receipts may carry it.</param>
    Task<SendResult> SendTextAsync(string externalId, string text, string reference, CancellationToken cancellationToken);

    /// <summary>A file message. The platform fetches the bytes from the download URL itself; one that cannot take documents gets the link as text.</summary>
    Task<SendResult> SendFileAsync(string externalId, OutgoingFile file, string reference, CancellationToken cancellationToken) =>
        SendTextAsync(externalId, file.AsText(), reference, cancellationToken);

    /// <summary>Replaces the text of a message sent before (issue 17). A platform that cannot says so, permanently: it is not asked again.</summary>
    /// <param name="platformMessageId">The id the platform gave the message when it was sent (<see cref="SendResult.PlatformMessageId"/>).</param>
    Task<SendResult> EditTextAsync(string externalId, string platformMessageId, string text, CancellationToken cancellationToken) =>
        Task.FromResult(SendResult.Failed($"{Channel} cannot edit a message once sent.", permanent: true));

    /// <summary>Deletes a message sent before, for its recipient too. A platform that cannot says so, permanently.</summary>
    Task<SendResult> DeleteAsync(string externalId, string platformMessageId, CancellationToken cancellationToken) =>
        Task.FromResult(SendResult.Failed($"{Channel} cannot delete a message once sent.", permanent: true));
}

/// <param name="DownloadUrl">A presigned GET, valid for an hour.</param>
public sealed record OutgoingFile(string FileName, string ContentType, long Size, Uri DownloadUrl, string? Caption)
{
    /// <summary>The caption, then the name and the link: for platforms (or sizes) that take no documents.</summary>
    public string AsText() => (Caption is { Length: > 0 } caption ? caption + "\n" : "") + $"{FileName}: {DownloadUrl}";
}
