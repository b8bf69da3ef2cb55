namespace Chat.Shared.Kafka;

/// <summary>
/// Someone who can put on <c>chat.messages</c> again what may have been dropped from it before a
/// consumer read it (the embedded broker's retention, a log lost with its process). The Router
/// calls it when its committed offset is no longer in the log; dedupe by message_id makes a
/// record produced twice harmless.
/// </summary>
public interface IMessageLogRecovery
{
    /// <summary>Starts producing again; returns at once (it is called from a consumer's thread).</summary>
    void RecordsLost();
}
