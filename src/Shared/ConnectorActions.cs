namespace Chat.Shared;

/// <summary>What a ConnectorDelivery asks of a platform: send a message, or change one sent before (issue 17).</summary>
public static class ConnectorActions
{
    public const string Send = "";
    public const string Edit = "edit";
    public const string Delete = "delete";

    /// <summary>
    /// The status of a receipt on chat.receipts that records its detail in the recipient's status history and
    /// moves nothing: a platform could not apply an edit or delete, and will not be asked again.
    /// </summary>
    public const string NoteReceipt = "note";
}
