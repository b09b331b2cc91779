import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { z } from 'zod';

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)], { message: 'must be [longitude, latitude] in degrees' });
const ring = z
  .array(position)
  .min(4, 'a ring needs at least 4 positions (the last repeating the first)')
  .refine((points) => points[0][0] === points.at(-1)![0] && points[0][1] === points.at(-1)![1], 'a ring must end where it starts');
const polygon = z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }).strip();
const multiPolygon = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }).strip();
const geometry = z.discriminatedUnion('type', [polygon, multiPolygon], { message: 'must be a GeoJSON Polygon or MultiPolygon' });

/**
 * A force's area (tenants/<force>/boundary.geojson): a Polygon or MultiPolygon in WGS84, given as a
 * geometry, a Feature or a FeatureCollection of one feature; normalised to the geometry.
 */
export const forceAreaSchema = z
  .union([
    geometry,
    z.object({ type: z.literal('Feature'), geometry }).strip().transform((feature) => feature.geometry),
    z
      .object({ type: z.literal('FeatureCollection'), features: z.array(z.object({ type: z.literal('Feature'), geometry }).strip()).length(1, 'must hold exactly one feature, the force area') })
      .strip()
      .transform((collection) => collection.features[0].geometry),
  ], { message: 'must be a GeoJSON Polygon or MultiPolygon (or a Feature holding one)' });

export type ForceArea = z.infer<typeof geometry>;

/** [west, south, east, north] */
export function boundingBox(area: ForceArea): [number, number, number, number] {
  const points = (area.type === 'Polygon' ? [area.coordinates] : area.coordinates).flat(2);
  const longitudes = points.map((point) => point[0]);
  const latitudes = points.map((point) => point[1]);
  return [Math.min(...longitudes), Math.min(...latitudes), Math.max(...longitudes), Math.max(...latitudes)];
}

export function containsPoint(area: ForceArea, bbox: number[], point: { latitude: number; longitude: number }): boolean {
  const [west, south, east, north] = bbox;
  if (point.longitude < west || point.longitude > east || point.latitude < south || point.latitude > north) return false;
  return booleanPointInPolygon([point.longitude, point.latitude], area);
}
