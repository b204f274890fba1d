import {
  isTimeSeriesCategory,
  TIME_SERIES_RESOURCES,
  type TimeSeriesTypeKey,
} from '../data/time-series-data-types.js';

const pythonList = (items: string[]) => `[${items.map((item) => `'${item}'`).join(', ')}]`;

/**
 * Turns the ordered `subscriptions` map into the ordered list of types to retrieve.
 * Returns django-fitbit's error text for an unknown category or resource.
 */
export function resolveSubscriptions(
  subscriptions: Record<string, string[]> | undefined,
): { types: TimeSeriesTypeKey[] } | { error: string } {
  if (subscriptions === undefined) {
    return {
      types: Object.entries(TIME_SERIES_RESOURCES).flatMap(([category, resources]) =>
        resources.map((resource) => ({ category: category as TimeSeriesTypeKey['category'], resource })),
      ),
    };
  }
  if (typeof subscriptions !== 'object' || subscriptions === null || Array.isArray(subscriptions)) {
    return { error: 'must be an object mapping categories to lists of resources' };
  }
  const types: TimeSeriesTypeKey[] = [];
  for (const [category, resources] of Object.entries(subscriptions)) {
    if (!isTimeSeriesCategory(category)) {
      return { error: `${category} is an invalid category` };
    }
    if (!Array.isArray(resources) || resources.some((resource) => typeof resource !== 'string')) {
      return { error: `the resources of the ${category} category must be a list of strings` };
    }
    const invalid = resources.filter((resource) => !TIME_SERIES_RESOURCES[category].includes(resource));
    if (invalid.length > 0) {
      return { error: `${pythonList(invalid)} resources are invalid for the ${category} category` };
    }
    types.push(...resources.map((resource) => ({ category, resource })));
  }
  return { types };
}
