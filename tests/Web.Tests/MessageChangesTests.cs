namespace Chat.Web.Tests;

/// <summary>Issue 17 in the browser: edits, deletes, reactions and replies shown live on the other person's screen.</summary>
[Collection(WebCollection.Name)]
public sealed class MessageChangesTests(WebFixture fixture)
{
    [SkippableFact]
    public async Task Edit_delete_and_a_reaction_by_alice_appear_on_bobs_screen_without_a_reload()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var aliceContext = await fixture.NewPersonAsync();
        await using var bobContext = await fixture.NewPersonAsync();
        var aliceName = People.NewName("alice");
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, aliceName);
        var bob = await People.SignUpAsync(bobContext, bobName);
        await People.StartChatAsync(alice, bobName);
        await People.SendAsync(alice, "see you at nine");
        await People.SendAsync(alice, "a message to take back");
        await People.Conversation(bob, aliceName).ClickAsync();
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["see you at nine", "a message to take back"]);
        // Counted once the page has these elements: no reload may happen from here on.
        await bob.EvaluateAsync("window.sameDocument = true");

        var first = People.MessageOf(alice, "see you at nine");
        await first.GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
        var editField = first.GetByRole(AriaRole.Textbox, new() { Name = "Edit message" });
        await Expect(editField).ToBeFocusedAsync();
        await editField.FillAsync("see you at ten");
        await editField.PressAsync("Enter");

        var bobsFirst = People.MessageOf(bob, "see you at ten");
        await Expect(bobsFirst.Locator(".text")).ToHaveTextAsync("see you at ten");
        await Expect(bobsFirst.GetByText("edited", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["see you at ten", "a message to take back"]);

        var second = People.MessageOf(alice, "a message to take back");
        await second.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await second.GetByRole(AriaRole.Button, new() { Name = "Delete for everyone" }).ClickAsync();
        var bobsLog = bob.GetByRole(AriaRole.Log, new() { Name = "Messages" });
        await Expect(bobsLog.GetByText("This message was deleted")).ToBeVisibleAsync();
        await Expect(bobsLog).Not.ToContainTextAsync("a message to take back");
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["see you at ten"]);

        // The reaction by keyboard: React opens the row of emoji, focus on its first.
        first = People.MessageOf(alice, "see you at ten");
        await first.GetByRole(AriaRole.Button, new() { Name = "React", Exact = true }).ClickAsync();
        await Expect(first.GetByRole(AriaRole.Button, new() { Name = "React with 👍" })).ToBeFocusedAsync();
        await alice.Keyboard.PressAsync("Enter");
        var bobsThumbs = bobsFirst.GetByRole(AriaRole.List, new() { Name = "Reactions" }).GetByRole(AriaRole.Button, new() { Name = "👍 1" });
        await Expect(bobsThumbs).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(first.GetByRole(AriaRole.Button, new() { Name = "👍 1" })).ToHaveAttributeAsync("aria-pressed", "true");
        // bob adds his: two, his pressed.
        await bobsThumbs.ClickAsync();
        await Expect(first.GetByRole(AriaRole.Button, new() { Name = "👍 2" })).ToBeVisibleAsync();
        await Expect(bobsFirst.GetByRole(AriaRole.Button, new() { Name = "👍 2" })).ToHaveAttributeAsync("aria-pressed", "true");

        Assert.True(await bob.EvaluateAsync<bool>("window.sameDocument === true"));
    }

    [SkippableFact]
    public async Task A_reply_shows_the_quote_of_its_original_and_the_quote_follows_an_edit()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var aliceContext = await fixture.NewPersonAsync();
        await using var bobContext = await fixture.NewPersonAsync();
        var aliceName = People.NewName("alice");
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, aliceName);
        var bob = await People.SignUpAsync(bobContext, bobName);
        await People.StartChatAsync(alice, bobName);
        await People.SendAsync(alice, "lunch on friday?");
        await People.Conversation(bob, aliceName).ClickAsync();

        await People.MessageOf(bob, "lunch on friday?").GetByRole(AriaRole.Button, new() { Name = "Reply", Exact = true }).ClickAsync();
        await Expect(bob.GetByText($"Replying to {aliceName}: lunch on friday?")).ToBeVisibleAsync();
        await Expect(bob.GetByLabel("Message", new() { Exact = true })).ToBeFocusedAsync();
        await People.SendAsync(bob, "yes, at noon");

        var quoteOnAlices = People.MessageOf(alice, "yes, at noon").GetByRole(AriaRole.Button, new() { Name = $"In reply to {aliceName}: lunch on friday?" });
        await Expect(quoteOnAlices).ToBeVisibleAsync();

        var original = People.MessageOf(alice, "lunch on friday?");
        await original.GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
        await original.GetByRole(AriaRole.Textbox, new() { Name = "Edit message" }).FillAsync("lunch on saturday?");
        await original.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(People.MessageOf(bob, "yes, at noon").GetByRole(AriaRole.Button, new() { Name = $"In reply to {aliceName}: lunch on saturday?" })).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task Search_finds_a_message_with_its_words_marked_and_opens_it_in_its_conversation()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var aliceContext = await fixture.NewPersonAsync();
        await using var bobContext = await fixture.NewPersonAsync();
        var aliceName = People.NewName("alice");
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, aliceName);
        var bob = await People.SignUpAsync(bobContext, bobName);
        await People.StartChatAsync(alice, bobName);
        // Markup in a message is text in its snippet too.
        await People.SendAsync(alice, "The <b>café</b> opens at nine");
        await People.SendAsync(alice, "something else");
        await Expect(People.Conversation(bob, aliceName)).ToContainTextAsync("something else");

        await bob.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("cafe");
        var results = bob.GetByRole(AriaRole.Region, new() { Name = "Search results" });
        var result = results.GetByRole(AriaRole.Button, new() { Name = "The <b>café</b> opens at nine" });
        await Expect(result).ToBeVisibleAsync();
        await Expect(result.Locator("mark")).ToHaveTextAsync("café");
        await Expect(result.Locator("b")).ToHaveCountAsync(0);

        await result.ClickAsync();
        await Expect(bob.GetByRole(AriaRole.Heading, new() { Name = aliceName })).ToBeVisibleAsync();
        await Expect(People.MessageOf(bob, "opens at nine")).ToBeFocusedAsync();
    }
}
