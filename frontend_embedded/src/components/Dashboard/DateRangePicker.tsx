/** Date-range picker: presets and a custom range, computed in the shop's time zone. */
import { BlockStack, Box, Button, DatePicker, InlineStack, OptionList, Popover, Text } from "@shopify/polaris";
import { CalendarIcon } from "@shopify/polaris-icons";
import { useState } from "react";
import {
  PRESETS,
  fromLocalDate,
  matchPreset,
  presetRange,
  todayIn,
  toLocalDate,
  type DateRange,
  type PresetId,
} from "../../lib/dateRange";
import { formatCalendarDate } from "../../lib/format";
import { useShopEnv } from "../../shopContext";

interface Props {
  value: DateRange;
  onChange: (range: DateRange) => void;
}

/** Return the button label for a range: the preset's name or "Mar 1 – Mar 10, 2024". */
export function rangeLabel(range: DateRange, timeZone: string, locale: string): string {
  const preset = matchPreset(range, timeZone);
  if (preset !== "custom") return PRESETS.find((p) => p.id === preset)!.label;
  if (range.start === range.end) return formatCalendarDate(range.start, locale);
  return `${formatCalendarDate(range.start, locale)} – ${formatCalendarDate(range.end, locale)}`;
}

/** The first of the two months shown: the one before the range's end month. */
function shownMonth(end: string): { month: number; year: number } {
  const date = toLocalDate(end);
  const month = date.getMonth() - 1;
  return month < 0 ? { month: 11, year: date.getFullYear() - 1 } : { month, year: date.getFullYear() };
}

export function DateRangePicker({ value, onChange }: Props) {
  const { timeZone, locale } = useShopEnv();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<DateRange>(value);
  const [preset, setPreset] = useState<PresetId>(matchPreset(value, timeZone));
  const [month, setMonth] = useState(() => shownMonth(value.end));
  const today = toLocalDate(todayIn(timeZone));

  function openPicker() {
    setDraft(value);
    setPreset(matchPreset(value, timeZone));
    setMonth(shownMonth(value.end));
    setOpen(true);
  }

  function choosePreset(id: PresetId) {
    setPreset(id);
    if (id === "custom") return;
    const range = presetRange(id, timeZone);
    setDraft(range);
    setMonth(shownMonth(range.end));
  }

  function apply() {
    onChange(draft);
    setOpen(false);
  }

  const activator = (
    <Button icon={CalendarIcon} disclosure onClick={() => (open ? setOpen(false) : openPicker())}>
      {rangeLabel(value, timeZone, locale)}
    </Button>
  );

  return (
    <Popover active={open} activator={activator} onClose={() => setOpen(false)} preferredAlignment="left" fluidContent>
      <Box padding="400" maxWidth="820px">
        <BlockStack gap="400">
          <InlineStack gap="400" wrap={false} blockAlign="start">
            <Box minWidth="160px">
              <OptionList
                title="Date range"
                options={[...PRESETS.map((p) => ({ value: p.id, label: p.label })), { value: "custom", label: "Custom" }]}
                selected={[preset]}
                onChange={(selected) => choosePreset(selected[0] as PresetId)}
              />
            </Box>
            <BlockStack gap="200">
              <DatePicker
                month={month.month}
                year={month.year}
                onMonthChange={(m, y) => setMonth({ month: m, year: y })}
                selected={{ start: toLocalDate(draft.start), end: toLocalDate(draft.end) }}
                onChange={({ start, end: last }) => {
                  setPreset("custom");
                  setDraft({ start: fromLocalDate(start), end: fromLocalDate(last) });
                }}
                allowRange
                multiMonth
                disableDatesAfter={today}
              />
              <Text as="p" variant="bodySm" tone="subdued">
                Dates are in your store's time zone ({timeZone}).
              </Text>
            </BlockStack>
          </InlineStack>
          <InlineStack align="end" gap="200">
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button variant="primary" onClick={apply}>
              Apply
            </Button>
          </InlineStack>
        </BlockStack>
      </Box>
    </Popover>
  );
}
