namespace Chat.Web.Tests;

/// <summary>Issue 25 in the browser: a thread opened in its side panel, a reply there, and the root's reply count on the other side.</summary>
[Collection(WebCollection.Name)]
public sealed class ThreadTests(WebFixture fixture)
{
    [SkippableFact]
    public async Task A_reply_in_the_thread_panel_changes_the_reply_count_on_the_other_side()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var aliceContext = await fixture.NewPersonAsync(null);
        await using var bobContext = await fixture.NewPersonAsync(null);
        var aliceName = People.NewName("alice");
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, aliceName);
        var bob = await People.SignUpAsync(bobContext, bobName);
        await People.StartChatAsync(alice, bobName);
        await People.SendAsync(alice, "lunch on friday?");
        await People.Conversation(bob, aliceName).ClickAsync();
        var bobsRoot = People.MessageOf(bob, "lunch on friday?");
        await Expect(bobsRoot).ToBeVisibleAsync();
        var alicesRoot = People.MessageOf(alice, "lunch on friday?");
        await Expect(alicesRoot.GetByRole(AriaRole.Button, new() { Name = "Reply in thread" })).ToBeVisibleAsync();

        await bobsRoot.GetByRole(AriaRole.Button, new() { Name = "Reply in thread" }).ClickAsync();
        var panel = bob.GetByRole(AriaRole.Complementary, new() { Name = "Thread" });
        await Expect(panel).ToBeVisibleAsync();
        await panel.GetByLabel("Reply in thread", new() { Exact = true }).FillAsync("pizza!");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Log, new() { Name = "Thread replies" }).Locator(".text")).ToHaveTextAsync(["lunch on friday?", "pizza!"]);

        // On alice's side the root counts the reply; the reply stays out of her timeline.
        await Expect(alicesRoot.GetByRole(AriaRole.Button, new() { Name = "Open thread, 1 reply" })).ToBeVisibleAsync();
        await Expect(People.MessageTexts(alice)).ToHaveTextAsync(["lunch on friday?"]);
        await alicesRoot.GetByRole(AriaRole.Button, new() { Name = "Open thread, 1 reply" }).ClickAsync();
        await Expect(alice.GetByRole(AriaRole.Complementary, new() { Name = "Thread" }).Locator(".text")).ToHaveTextAsync(["lunch on friday?", "pizza!"]);
    }
}
